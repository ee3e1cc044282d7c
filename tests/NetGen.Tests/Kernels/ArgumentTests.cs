using System;
using NetGen.Tests.Networks;

namespace NetGen.Tests.Kernels;

/// <summary>A span of the wrong length is an ArgumentException that names the parameter and both lengths.</summary>
public class ArgumentTests
{
    private readonly SeedNet431 _network = new(1);

    [Fact]
    public void Predict_rejects_a_short_input()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.Predict(new double[3], new double[1]));
        Assert.Equal("input", error.ParamName);
        Assert.Contains("Expected a span of length 4, got length 3", error.Message);
    }

    [Fact]
    public void Predict_rejects_a_long_output()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.Predict(new double[4], new double[2]));
        Assert.Equal("output", error.ParamName);
        Assert.Contains("Expected a span of length 1, got length 2", error.Message);
    }

    [Fact]
    public void Backward_rejects_a_wrong_target()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.Backward(new double[4], new double[3]));
        Assert.Equal("target", error.ParamName);
    }

    [Fact]
    public void Train_rejects_a_null_array_as_an_empty_input()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.Train(null, new double[1], 0.1));
        Assert.Contains("got length 0", error.Message);
    }

    [Fact]
    public void Failed_calls_leave_parameters_and_gradients_unchanged()
    {
        double[] parameters = _network.Parameters.ToArray();
        double[] gradients = _network.Gradients.ToArray();
        Assert.Throws<ArgumentException>(() => _network.Train(new double[5], new double[1], 0.1));
        Assert.Throws<ArgumentException>(() => _network.Backward(new double[4], new double[0]));
        Assert.Equal(parameters, _network.Parameters.ToArray());
        Assert.Equal(gradients, _network.Gradients.ToArray());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(-0.1)]
    public void Training_calls_reject_a_learning_rate_that_is_negative_or_not_finite_and_leave_the_network_as_it_was(double learningRate)
    {
        // In locals (4-3-1, double) and looped (64-32-10, single): each generated Train, TrainBatch and ApplyGradients.
        _network.Backward(new double[] { 0.1, 0.2, 0.3, 0.4 }, new double[] { 1 });
        double[] parameters = _network.Parameters.ToArray();
        double[] gradients = _network.Gradients.ToArray();
        AssertRejected(() => _network.Train(new double[4], new double[1], learningRate), learningRate);
        AssertRejected(() => _network.TrainBatch(new double[8], new double[2], learningRate), learningRate);
        AssertRejected(() => _network.ApplyGradients(learningRate), learningRate);
        Assert.Equal(parameters, _network.Parameters.ToArray());
        Assert.Equal(gradients, _network.Gradients.ToArray());

        var looped = new DigitsShapedNet(1);
        float[] loopedParameters = looped.Parameters.ToArray();
        float rate = (float)learningRate;
        AssertRejected(() => looped.Train(new float[64], new float[10], rate), learningRate);
        AssertRejected(() => looped.TrainBatch(new float[128], new float[20], rate), learningRate);
        AssertRejected(() => looped.ApplyGradients(rate), learningRate);
        Assert.Equal(loopedParameters, looped.Parameters.ToArray());
    }

    private static void AssertRejected(Action call, double learningRate)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Equal("learningRate", error.ParamName);
        Assert.Equal(learningRate, (double)error.ActualValue!, 1e-7); // a float network reports its float rate
        Assert.Contains("finite learning rate of 0 or more", error.Message);
    }

    [Fact]
    public void BackwardBatch_rejects_partial_rows()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.BackwardBatch(new double[7], new double[2]));
        Assert.Equal("inputs", error.ParamName);
        Assert.Contains("whole number of rows of length 4, got length 7", error.Message);
    }

    [Fact]
    public void BackwardBatch_rejects_targets_for_a_different_number_of_rows()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.BackwardBatch(new double[8], new double[3]));
        Assert.Equal("targets", error.ParamName);
        Assert.Contains("Expected 2 rows, got 3", error.Message);
    }

    [Fact]
    public void TrainBatch_rejects_an_empty_batch()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.TrainBatch(Array.Empty<double>(), Array.Empty<double>(), 0.1));
        Assert.Contains("at least 1 row", error.Message);
    }

    [Fact]
    public void TrainBatch_with_mismatched_targets_leaves_parameters_and_gradients_unchanged()
    {
        _network.Backward(new double[] { 1, 0, 1, 0 }, new double[] { 1 }); // some nonzero gradient
        double[] parameters = _network.Parameters.ToArray();
        double[] gradients = _network.Gradients.ToArray();
        var error = Assert.Throws<ArgumentException>(() => _network.TrainBatch(new double[8], new double[3], 0.1));
        Assert.Equal("targets", error.ParamName);
        Assert.Equal(parameters, _network.Parameters.ToArray());
        Assert.Equal(gradients, _network.Gradients.ToArray());
    }

    [Fact]
    public void PredictBatch_rejects_outputs_for_a_different_number_of_rows()
    {
        var error = Assert.Throws<ArgumentException>(() => _network.PredictBatch(new double[8], new double[3]));
        Assert.Equal("outputs", error.ParamName);
    }
}
