using System;
using System.Linq;
using NetGen;
using NetGen.Runtime.Tests.Support;
using NetGen.TestSupport;

namespace NetGen.Runtime.Tests.Data;

// A 4-3-3 Iris classifier for the sorted-file validation case.
[Network(4, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class IrisSplitNet
{
}

/// <summary>Seeded shuffled and stratified splits, and Fit's ValidationSplitMode.</summary>
public class DataSplitTests
{
    [Fact]
    public void Shuffled_split_partitions_every_row_once_with_the_rounded_sizes()
    {
        DataSplit split = DataSplit.Shuffled(rows: 101, validationFraction: 0.2, testFraction: 0.1, seed: 7);

        Assert.Equal(20, split.Validation.Length);
        Assert.Equal(10, split.Test.Length);
        Assert.Equal(71, split.Training.Length);
        Assert.Equal(Enumerable.Range(0, 101), split.Training.Concat(split.Validation).Concat(split.Test).Order());
        Assert.True(split.Validation.SequenceEqual(split.Validation.Order()), "each part lists its rows in ascending order");
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        DataSplit first = DataSplit.Shuffled(50, 0.3, seed: 1);
        DataSplit again = DataSplit.Shuffled(50, 0.3, seed: 1);
        DataSplit other = DataSplit.Shuffled(50, 0.3, seed: 2);

        Assert.Equal(first.Validation, again.Validation);
        Assert.NotEqual(first.Validation, other.Validation);
        Assert.NotEqual(Enumerable.Range(35, 15), first.Validation); // not simply the end
    }

    [Fact]
    public void Stratified_split_keeps_each_class_share_in_every_part()
    {
        // 60 rows of class 0, 30 of class 1, 10 of class 2, sorted by class as many files are.
        int[] labels = [.. Enumerable.Repeat(0, 60), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 10)];

        DataSplit split = DataSplit.Stratified(labels, validationFraction: 0.2, testFraction: 0.1, seed: 3);

        Assert.Equal([12, 6, 2], CountPerClass(split.Validation, labels));
        Assert.Equal([6, 3, 1], CountPerClass(split.Test, labels));
        Assert.Equal([42, 21, 7], CountPerClass(split.Training, labels));
    }

    [Fact]
    public void Stratified_split_rounds_by_largest_remainder_so_the_total_is_the_rounded_fraction()
    {
        // 0.25 of classes of 5, 5 and 2 rows: quotas 1.25, 1.25 and 0.5; 3 rows in all go to the largest remainders.
        int[] labels = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2];

        DataSplit split = DataSplit.Stratified(labels, validationFraction: 0.25, seed: 0);

        Assert.Equal([1, 1, 1], CountPerClass(split.Validation, labels));
    }

    [Fact]
    public void A_huge_class_index_costs_no_more_than_a_small_one()
    {
        int[] labels = [0, int.MaxValue, 0, int.MaxValue];

        DataSplit split = DataSplit.Stratified(labels, validationFraction: 0.5);
        long allocated = Allocations.Fewest(() => DataSplit.Stratified(labels, validationFraction: 0.5));

        Assert.Equal([0, int.MaxValue], split.Validation.Select(row => labels[row]).Order());
        Assert.True(allocated < 10_000, $"allocated {allocated} bytes for 4 labels");
    }

    [Fact]
    public void Fractions_that_leave_no_training_row_are_rejected_with_the_counts()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Shuffled(4, 0.5, 0.5));
        Assert.Contains("2 + 2 rows", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Shuffled(4, 1.0));
        Assert.Throws<ArgumentException>(() => DataSplit.Stratified([0, -1, 1], 0.3));
    }

    [Fact]
    public void Gather_copies_the_listed_rows_and_checks_the_indices()
    {
        double[] values = [0, 1, 10, 11, 20, 21];

        Assert.Equal([20.0, 21, 0, 1], DataSplit.Gather<double>(values, 2, [2, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.Gather<double>(values, 2, [3]));
    }

    [Fact]
    public void Fit_with_the_default_split_on_the_sorted_Iris_file_validates_on_one_class_only()
    {
        (double[] inputs, int[] labels) = SortedIris();

        Assert.Equal([0, 0, 30], CountPerClass(Enumerable.Range(120, 30).ToArray(), labels)); // the last 20%: all virginica
    }

    [Theory]
    [InlineData(ValidationSplitMode.Stratified)]
    [InlineData(ValidationSplitMode.Shuffled)]
    public void Fit_with_a_random_split_on_the_sorted_Iris_file_validates_on_every_class(ValidationSplitMode mode)
    {
        (double[] inputs, int[] labels) = SortedIris();
        double[] targets = NetworkTraining.TargetsFromLabels(new IrisSplitNet(1), labels, "labels");
        var network = new CountingRows(new IrisSplitNet(1));

        network.Fit(inputs, targets, new TrainingOptions<double> { Epochs = 1, ValidationSplit = 0.2, ValidationSplitMode = mode, Seed = 4 });

        // The rows Fit validated on are the ones it never trained on; their classes are mixed.
        int[] validationRows = Enumerable.Range(0, 150).Where(row => !network.TrainedRows.Contains(row)).ToArray();
        Assert.Equal(30, validationRows.Length);
        int[] perClass = CountPerClass(validationRows, labels);
        Assert.All(perClass, count => Assert.True(count > 0, $"per-class validation counts {string.Join(", ", perClass)}"));
        if (mode == ValidationSplitMode.Stratified)
            Assert.Equal([10, 10, 10], perClass);
    }

    [Fact]
    public void A_stratified_split_of_a_regression_network_names_the_mode_to_use_instead()
    {
        var network = new SingleLayerNetwork(2, 1);
        (double[] x, double[] y) = TrainingData.Linear(10);

        var error = Assert.Throws<ArgumentException>(() => network.Fit(x, y, new TrainingOptions<double> { ValidationSplit = 0.2, ValidationSplitMode = ValidationSplitMode.Stratified }));
        Assert.Contains("ValidationSplitMode.Shuffled", error.Message, StringComparison.Ordinal);
    }

    private static (double[] Inputs, int[] Labels) SortedIris()
    {
        LabeledDataSet<double> iris = CsvDataLoader.Load<double>(FixtureFiles.PathOf("iris.csv"), new CsvOptions { LabelColumnName = "species" });
        Assert.True(iris.Labels!.SequenceEqual(iris.Labels!.Order()), "the fixture is sorted by class");
        // Iris holds two equal rows; a nudge far below the data's precision makes every row findable by its values.
        double[] inputs = iris.Inputs;
        for (int row = 0; row < iris.Rows; row++)
            inputs[row * 4] += row * 1e-9;
        return (inputs, iris.Labels!);
    }

    private static int[] CountPerClass(int[] rows, int[] labels) =>
        Enumerable.Range(0, labels.Max() + 1).Select(c => rows.Count(row => labels[row] == c)).ToArray();

    /// <summary>Records which rows (by their row number in the full file, found from the inputs) Fit trained on.</summary>
    private sealed class CountingRows(INetwork<double> inner) : DelegatingNetwork<double>(inner)
    {
        private readonly double[] _allInputs = SortedIris().Inputs;

        public System.Collections.Generic.HashSet<int> TrainedRows { get; } = new();

        public override double Backward(ReadOnlySpan<double> input, ReadOnlySpan<double> target)
        {
            Record(input);
            return Inner.Backward(input, target);
        }

        public override double BackwardBatch(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets)
        {
            Record(inputs);
            return Inner.BackwardBatch(inputs, targets);
        }

        public override double Train(ReadOnlySpan<double> input, ReadOnlySpan<double> target, double learningRate)
        {
            Record(input);
            return Inner.Train(input, target, learningRate);
        }

        public override double TrainBatch(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, double learningRate)
        {
            Record(inputs);
            return Inner.TrainBatch(inputs, targets, learningRate);
        }

        private void Record(ReadOnlySpan<double> inputs)
        {
            for (int start = 0; start < inputs.Length; start += 4)
            {
                for (int row = 0; row < 150; row++)
                    if (inputs.Slice(start, 4).SequenceEqual(_allInputs.AsSpan(row * 4, 4)))
                        TrainedRows.Add(row);
            }
        }
    }
}
