using System;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Metrics;

/// <summary>MAE, RMSE, R2, F1 and ROC AUC on cases small enough to work out by hand.</summary>
public class RegressionAndF1MetricsTests
{
    // Predictions 2.5, 0.0, 2, 8 for targets 3, -0.5, 2, 7: errors -0.5, 0.5, 0, 1.
    private static readonly double[] s_predictions = [2.5, 0.0, 2, 8];
    private static readonly double[] s_targets = [3, -0.5, 2, 7];

    [Fact]
    public void MeanAbsoluteError_is_the_mean_of_the_absolute_errors()
    {
        Assert.Equal((0.5 + 0.5 + 0 + 1) / 4, RegressionMetrics.MeanAbsoluteError<double>(s_predictions, s_targets), 15);
    }

    [Fact]
    public void RootMeanSquaredError_is_the_root_of_the_mean_squared_error()
    {
        Assert.Equal(Math.Sqrt((0.25 + 0.25 + 0 + 1) / 4), RegressionMetrics.RootMeanSquaredError<double>(s_predictions, s_targets), 15);
    }

    [Fact]
    public void R2_is_one_minus_residual_over_total_sum_of_squares()
    {
        // mean target 2.875; total = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875; residual 1.5
        Assert.Equal(1 - 1.5 / 29.1875, RegressionMetrics.R2Score<double>(s_predictions, s_targets), 15);
        Assert.Equal(0.9486081370449679, RegressionMetrics.R2Score<double>(s_predictions, s_targets), 15); // scikit-learn's r2_score
    }

    [Fact]
    public void R2_of_several_outputs_is_the_mean_of_each_outputs_R2()
    {
        // Column 0: perfect (R2 1). Column 1: always the mean of 1 and 3 (R2 0).
        double[] predictions = [1, 2, 5, 2];
        double[] targets = [1, 1, 5, 3];

        Assert.Equal(0.5, RegressionMetrics.R2Score<double>(predictions, targets, outputSize: 2), 15);
    }

    [Fact]
    public void Network_metrics_predict_first()
    {
        // o = 2 x0 - x1 + 0.5, exactly the linear data set's rule: every error is 0.
        SingleLayerNetwork network = SingleLayerNetwork.With(2, 1, Activation.Identity, 2, -1, 0.5);
        (double[] x, double[] y) = TrainingData.Linear(5);

        Assert.Equal(0.0, network.MeanAbsoluteError(x, y), 12);
        Assert.Equal(0.0, network.RootMeanSquaredError(x, y), 12);
        Assert.Equal(1.0, network.R2Score(x, y), 12);
    }

    [Fact]
    public void F1_per_class_and_macro_match_the_counts()
    {
        var matrix = new ConfusionMatrix(3);
        // Class 0: 3 right, 1 predicted as 1. Class 1: 2 right, 2 predicted as 0. Class 2: never present, predicted once (from 1).
        Tally(matrix, 0, 0, 3);
        Tally(matrix, 0, 1, 1);
        Tally(matrix, 1, 1, 2);
        Tally(matrix, 1, 0, 2);
        Tally(matrix, 1, 2, 1);

        // Class 0: TP 3, FP 2, FN 1 -> 6 / 9. Class 1: TP 2, FP 1, FN 3 -> 4 / 8. Class 2: TP 0, FP 1 -> 0.
        Assert.Equal(6.0 / 9, matrix.F1(0), 15);
        Assert.Equal(4.0 / 8, matrix.F1(1), 15);
        Assert.Equal(0.0, matrix.F1(2));
        Assert.Equal((6.0 / 9 + 0.5 + 0) / 3, matrix.MacroF1, 15);
    }

    [Fact]
    public void A_class_neither_present_nor_predicted_has_no_F1_and_is_left_out_of_the_macro_mean()
    {
        var matrix = new ConfusionMatrix(3);
        Tally(matrix, 0, 0, 2);
        Tally(matrix, 1, 1, 1);
        Tally(matrix, 1, 0, 1);

        Assert.True(double.IsNaN(matrix.F1(2)));
        Assert.Equal((0.8 + 2.0 / 3) / 2, matrix.MacroF1, 15);
    }

    [Fact]
    public void RocAuc_counts_the_correctly_ordered_pairs_with_ties_as_halves()
    {
        // Positives score 0.8, 0.4, 0.35; negatives 0.1, 0.4, 0.7.
        // Pairs (pos > neg): 0.8 beats all 3; 0.4 beats 0.1, ties 0.4; 0.35 beats 0.1. (3 + 1.5 + 1) / 9.
        double[] scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.7];
        int[] labels = [0, 0, 1, 1, 1, 0];

        Assert.Equal(5.5 / 9, ClassificationMetrics.RocAuc(scores, labels), 15);
    }

    [Fact]
    public void RocAuc_is_1_for_a_perfect_ranking_and_0_for_a_reversed_one()
    {
        Assert.Equal(1.0, ClassificationMetrics.RocAuc([0.1, 0.2, 0.9], [0, 0, 1]));
        Assert.Equal(0.0, ClassificationMetrics.RocAuc([0.9, 0.8, 0.1], [0, 0, 1]));
    }

    [Fact]
    public void RocAuc_needs_both_classes_and_0_1_labels()
    {
        Assert.Contains("both classes", Assert.Throws<ArgumentException>(() => ClassificationMetrics.RocAuc([0.1, 0.2], [1, 1])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.RocAuc([0.1, 0.2], [0, 2]));
    }

    [Fact]
    public void RocAuc_of_a_sigmoid_network_scores_rows_by_its_output()
    {
        // o = sigmoid(x): ranks rows by x.
        SingleLayerNetwork network = SingleLayerNetwork.With(1, 1, Activation.Sigmoid, 1, 0);

        Assert.Equal(5.0 / 6, network.RocAuc([-2.0, -1, 0.5, 1, 3], [0.0, 0, 1, 0, 1]), 15); // negatives -2, -1, 1; positives 0.5, 3
    }

    [Fact]
    public void Confusion_matrix_from_labels_equals_the_one_from_one_hot_targets()
    {
        SingleLayerNetwork network = SingleLayerNetwork.With(2, 3, Activation.Softmax, 1, 0, 0, 1, -1, -1, 0, 0, 0);
        double[] inputs = [2, 0, 0, 2, -1, -1, 1, 0.5];
        int[] labels = [0, 1, 2, 1];
        double[] oneHot = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0];

        ConfusionMatrix fromLabels = ConfusionMatrix.Compute<double>(network, inputs, labels);
        ConfusionMatrix fromOneHot = ConfusionMatrix.Compute<double>(network, inputs, oneHot);

        Assert.Equal(fromOneHot.ToString(), fromLabels.ToString());
    }

    private static void Tally(ConfusionMatrix matrix, int actual, int predicted, int times)
    {
        for (int i = 0; i < times; i++)
            matrix.Add(actual, predicted);
    }
}
