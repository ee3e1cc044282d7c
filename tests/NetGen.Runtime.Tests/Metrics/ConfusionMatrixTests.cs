using System;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Metrics;

public class ConfusionMatrixTests
{
    /// <summary>
    /// actual \ predicted   0  1  2
    ///                  0   3  1  0
    ///                  1   0  2  2
    ///                  2   0  0  0
    /// </summary>
    private static ConfusionMatrix Example()
    {
        var matrix = new ConfusionMatrix(3);
        for (int i = 0; i < 3; i++) matrix.Add(0, 0);
        matrix.Add(0, 1);
        for (int i = 0; i < 2; i++) matrix.Add(1, 1);
        for (int i = 0; i < 2; i++) matrix.Add(1, 2);
        return matrix;
    }

    [Fact]
    public void Counts_are_indexed_actual_first_then_predicted()
    {
        ConfusionMatrix matrix = Example();

        Assert.Equal(1, matrix[0, 1]);
        Assert.Equal(0, matrix[1, 0]);
        Assert.Equal(2, matrix[1, 2]);
    }

    [Fact]
    public void Accuracy_is_the_diagonal_over_the_total()
    {
        ConfusionMatrix matrix = Example();

        Assert.Equal(8, matrix.Total);
        Assert.Equal(5, matrix.Correct);
        Assert.Equal(5.0 / 8.0, matrix.Accuracy);
    }

    [Fact]
    public void Precision_is_the_diagonal_over_its_column()
    {
        ConfusionMatrix matrix = Example();

        Assert.Equal(3.0 / 3.0, matrix.Precision(0)); // column 0: 3, 0, 0
        Assert.Equal(2.0 / 3.0, matrix.Precision(1)); // column 1: 1, 2, 0
        Assert.Equal(0.0 / 2.0, matrix.Precision(2)); // column 2: 0, 2, 0
    }

    [Fact]
    public void Recall_is_the_diagonal_over_its_row()
    {
        ConfusionMatrix matrix = Example();

        Assert.Equal(3.0 / 4.0, matrix.Recall(0));
        Assert.Equal(2.0 / 4.0, matrix.Recall(1));
    }

    [Fact]
    public void Precision_and_recall_of_a_class_with_no_rows_are_NaN()
    {
        var matrix = new ConfusionMatrix(3);
        matrix.Add(0, 0);

        Assert.True(double.IsNaN(matrix.Recall(2)));    // no row is of class 2
        Assert.True(double.IsNaN(matrix.Precision(2))); // no row was predicted as 2
    }

    [Fact]
    public void Classes_outside_the_matrix_are_rejected()
    {
        var matrix = new ConfusionMatrix(2);

        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => matrix.Add(0, -1));
    }

    [Fact]
    public void ToString_draws_counts_recall_precision_and_accuracy()
    {
        string[] lines = Example().ToString().Split(Environment.NewLine);

        Assert.Equal("actual \\ predicted      0      1      2 | recall", lines[0]);
        Assert.Equal("                 0      3      1      0 | 75.0%", lines[1]);
        Assert.Equal("                 1      0      2      2 | 50.0%", lines[2]);
        Assert.Equal("                 2      0      0      0 | -", lines[3]);
        Assert.Equal("         precision 100.0%  66.7%   0.0%", lines[4]);
        Assert.Equal("accuracy 62.5% (5 of 8)", lines[5]);
    }

    [Fact]
    public void ToString_can_name_the_classes()
    {
        string[] lines = Example().ToString(["setosa", "versicolor", "virginica"]).Split(Environment.NewLine);

        // Every column is as wide as the longest class name.
        Assert.Equal("actual \\ predicted     setosa versicolor  virginica | recall", lines[0]);
        Assert.Equal("            setosa          3          1          0 | 75.0%", lines[1]);
    }

    [Fact]
    public void Compute_tallies_the_networks_predictions_against_the_targets()
    {
        // softmax(x) keeps the argmax of x, so the inputs choose the predictions.
        var network = SingleLayerNetwork.With(3, 3, Activation.Softmax, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0);
        double[] x = [5, 1, 0, /**/ 0, 3, 1, /**/ 0, 1, 2, /**/ 2, 1, 0]; // predicted 0, 1, 2, 0
        double[] y = [1, 0, 0, /**/ 0, 1, 0, /**/ 1, 0, 0, /**/ 0, 0, 1]; // actual    0, 1, 0, 2

        ConfusionMatrix matrix = ConfusionMatrix.Compute<double>(network, x, y);

        Assert.Equal(3, matrix.ClassCount);
        Assert.Equal(1, matrix[0, 0]);
        Assert.Equal(1, matrix[1, 1]);
        Assert.Equal(1, matrix[0, 2]);
        Assert.Equal(1, matrix[2, 0]);
        Assert.Equal(4, matrix.Total);
    }

    [Fact]
    public void A_single_output_network_gets_a_two_class_matrix()
    {
        var network = SingleLayerNetwork.With(1, 1, Activation.Sigmoid, 1, 0);

        ConfusionMatrix matrix = ConfusionMatrix.Compute<double>(network, [1, -1, 1], [1, 1, 0]);

        Assert.Equal(2, matrix.ClassCount);
        Assert.Equal(1, matrix[1, 1]);
        Assert.Equal(1, matrix[1, 0]);
        Assert.Equal(1, matrix[0, 1]);
    }
}
