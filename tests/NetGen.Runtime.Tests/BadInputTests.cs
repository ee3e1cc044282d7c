using System;
using System.Buffers.Binary;
using System.IO;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests;

/// <summary>
/// Bad calls found by an adversarial sweep of the public runtime API (2026-12-01): each is now an exception that names
/// what was expected and what was given, where it was an overflow, a wrong exception type, or NaN, infinity or a wrong
/// target passed on without an error.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netgen-bad-input-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // Sizes whose products overflowed an int or a long on the way to an allocation.

    [Fact]
    public void A_confusion_matrix_for_more_classes_than_a_network_has_outputs_is_an_argument_error_not_an_overflow()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix(ConfusionMatrix.MaxClassCount + 1));
        Assert.Equal("classCount", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix(70_000));
        Assert.Equal(ConfusionMatrix.MaxClassCount, new ConfusionMatrix(ConfusionMatrix.MaxClassCount).ClassCount);
    }

    [Fact]
    public void An_idx_header_whose_dimensions_multiply_past_any_file_is_a_format_error_that_says_so()
    {
        string path = WriteIdx("huge.idx", [65536, 65536, 65536, 65536], []);

        var error = Assert.Throws<IdxFormatException>(() => IdxFile.Load(path));

        Assert.Contains("[65536, 65536, 65536, 65536]", error.Message, StringComparison.Ordinal);
        Assert.Contains("more values than any file holds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Idx_images_with_no_values_and_class_counts_beyond_a_byte_label_are_named_errors()
    {
        string images = WriteIdx("empty-images.idx", [4, 0], []);
        string labels = WriteIdx("labels.idx", [4], [0, 1, 0, 1]);

        var empty = Assert.Throws<IdxFormatException>(() => IdxFile.LoadLabeled<float>(images, labels, 2));
        Assert.Contains("[4, 0]", empty.Message, StringComparison.Ordinal);

        Assert.Equal("classCount", Assert.Throws<ArgumentOutOfRangeException>(() => IdxFile.LoadLabeled<float>(images, labels, 257)).ParamName);
        Assert.Equal("classCount", Assert.Throws<ArgumentOutOfRangeException>(() => IdxFile.LoadLabeled<float>(images, labels, int.MaxValue)).ParamName);
    }

    [Fact]
    public void A_description_with_more_parameters_than_an_array_holds_or_an_undefined_enum_value_is_an_argument_error()
    {
        var tooLarge = Assert.Throws<ArgumentException>(() =>
            new NetworkDescription([100_000, 100_000], [Activation.Identity], LossFunction.HalfSquaredError, Precision.Double));
        Assert.Equal("layerSizes", tooLarge.ParamName);
        Assert.Contains("10000100000 parameters", tooLarge.Message, StringComparison.Ordinal);

        Assert.Equal("activations", Assert.Throws<ArgumentException>(() =>
            new NetworkDescription([2, 1], [(Activation)99], LossFunction.HalfSquaredError, Precision.Double)).ParamName);
        Assert.Equal("loss", Assert.Throws<ArgumentException>(() =>
            new NetworkDescription([2, 1], [Activation.Identity], (LossFunction)99, Precision.Double)).ParamName);
        Assert.Equal("precision", Assert.Throws<ArgumentException>(() =>
            new NetworkDescription([2, 1], [Activation.Identity], LossFunction.HalfSquaredError, (Precision)99)).ParamName);
    }

    [Fact]
    public void Row_helpers_reject_rows_of_no_values_and_gathers_past_an_array()
    {
        Assert.Equal("rowLength", Assert.Throws<ArgumentOutOfRangeException>(() => ThrowHelper.RowCount("x", 5, 0)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => ThrowHelper.RowLength("x", 5, 0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer<double>(int.MaxValue));

        var gather = Assert.Throws<ArgumentException>(() => DataSplit.Gather<byte>(new byte[1 << 20], 1 << 20, new int[4096]));
        Assert.Equal("rows", gather.ParamName);
        Assert.Contains("4096 rows of 1048576 values", gather.Message, StringComparison.Ordinal);
    }

    // Targets outside what the loss reads.

    [Fact]
    public void Fit_rejects_cross_entropy_targets_that_are_not_probabilities_and_names_the_row_and_column()
    {
        double[] inputs = [1, 2, 3, 4, 5, 6];
        var network = new SingleLayerNetwork(2, 3, Activation.Softmax);
        double[] before = network.Snapshot();

        var error = Assert.Throws<ArgumentException>(() => network.Fit(inputs, [1, 0, 0, 0, 1, 0, 0, -5, 0], new TrainingOptions<double> { Epochs = 1 }));

        Assert.Equal("targets", error.ParamName);
        Assert.Contains("-5 at row 2, column 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("CrossEntropy", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Snapshot());

        var binary = new SingleLayerNetwork(2, 1, Activation.Sigmoid);
        var binaryError = Assert.Throws<ArgumentException>(() => binary.Fit(inputs, [0, 1, 7], new TrainingOptions<double> { Epochs = 1 }));
        Assert.Contains("7 at row 2, column 0", binaryError.Message, StringComparison.Ordinal);

        // Soft targets in [0, 1] and any regression target stay allowed.
        network.Fit(inputs, [0.7, 0.2, 0.1, 0, 1, 0, 0.5, 0.5, 0], new TrainingOptions<double> { Epochs = 1 });
        new SingleLayerNetwork(2, 1).Fit(inputs, [-5, 7, 100], new TrainingOptions<double> { Epochs = 1 });
    }

    // Scalers fitted on data they cannot represent.

    [Fact]
    public void A_scaler_is_not_fitted_on_NaN_or_infinite_inputs()
    {
        var data = new LabeledDataSet<double>([1, 2, double.NaN, 4], [0, 0], 2, 1);

        var standard = Assert.Throws<ArgumentException>(() => FeatureScaler<double>.FitStandardization(data));
        Assert.Contains("NaN at row 1, column 0", standard.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FeatureScaler<double>.FitMinMax(data));
        Assert.Throws<ArgumentException>(() => FeatureScaler<double>.FitMinMax(
            new LabeledDataSet<double>([1, 2], [0, 0], 1, 1), double.NegativeInfinity, double.PositiveInfinity));
    }

    [Fact]
    public void Scalers_fitted_near_the_types_limits_stay_finite_or_say_which_feature_cannot_be_scaled()
    {
        var huge = new LabeledDataSet<double>([1e308, 1e308, 1e308, -1e308], [0, 0], 2, 1);
        FeatureScaler<double> standard = FeatureScaler<double>.FitStandardization(huge);
        Assert.Equal([1e308, 0], standard.Center.ToArray());
        Assert.Equal(1.0, standard.Factor[0]); // a constant feature: centred only
        Assert.Equal(1e-308, standard.Factor[1], 1e-320);

        Span<double> row = [1e308, -1e308];
        standard.TransformInPlace(row);
        Assert.Equal(0.0, row[0]);
        Assert.Equal(-1.0, row[1], 1e-12); // the factor is a subnormal double, with fewer significant bits

        // max - min overflows: the scaled values would be infinite (before, a factor of 0 that only Save refused).
        Assert.Throws<ArgumentException>(() => FeatureScaler<double>.FitMinMax(
            new LabeledDataSet<double>([0, 0, -double.MaxValue, 0, 0, double.MaxValue], [0, 0], 3, 1), 0, double.Epsilon));
        var wide = new LabeledDataSet<float>([3e38f, -3e38f], [0, 0], 1, 1);
        Assert.Contains("Feature 0 cannot be scaled in Single", Assert.Throws<ArgumentException>(() => FeatureScaler<float>.FitMinMax(wide)).Message, StringComparison.Ordinal);

        var tiny = new LabeledDataSet<float>([0, 2e-39f], [0, 0], 1, 1);
        var error = Assert.Throws<ArgumentException>(() => FeatureScaler<float>.FitStandardization(tiny));
        Assert.Contains("Feature 0 cannot be scaled in Single", error.Message, StringComparison.Ordinal);
    }

    // CSV options and labels.

    [Fact]
    public void A_mean_filled_into_a_column_near_doubles_limit_is_the_mean_not_infinity()
    {
        LabeledDataSet<double> data = CsvDataLoader.Parse<double>("a,b,label\n1e308,1,0\n1e308,1,1\nNA,1,0\n",
            new CsvOptions { MissingValues = CsvMissingValues.FillWithMean });

        Assert.Equal(1e308, data.Inputs[4]);
    }

    [Fact]
    public void A_label_column_of_one_class_is_an_error_that_names_the_options_to_set()
    {
        var error = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,2,0\n3,4,0\n5,6,0\n"));
        Assert.Contains("ClassCount", error.Message, StringComparison.Ordinal);
        Assert.Contains("CsvLabels.Values", error.Message, StringComparison.Ordinal);

        Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,2,cat\n3,4,cat\n"));
        // The other classes may just be absent from a small file: ClassCount says how many there are.
        Assert.Equal(3, CsvDataLoader.Parse<double>("1,2,0\n3,4,0\n", new CsvOptions { ClassCount = 3 }).TargetSize);
    }

    [Fact]
    public void Conflicting_or_invalid_csv_options_are_argument_errors()
    {
        const string csv = "1,2,a\n3,4,b\n";
        Assert.Throws<ArgumentOutOfRangeException>(() => CsvDataLoader.Parse<double>(csv, new CsvOptions { ClassCount = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CsvDataLoader.Parse<double>(csv, new CsvOptions { MaxClassCount = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CsvDataLoader.Parse<double>(csv, new CsvOptions { Header = (CsvHeader)99 }));
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>(csv, new CsvOptions { ClassNames = ["a", "a", "b"] })).Message, StringComparison.Ordinal);
        Assert.Contains("ClassNames[1] is null", Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>(csv, new CsvOptions { ClassNames = ["a", null!] })).Message, StringComparison.Ordinal);
        Assert.Contains("ClassCount is 5", Assert.Throws<ArgumentException>(() =>
            CsvDataLoader.Parse<double>(csv, new CsvOptions { ClassNames = ["a", "b"], ClassCount = 5 })).Message, StringComparison.Ordinal);
        foreach (char separator in "1.-e\"")
            Assert.Contains($"Separator '{separator}'", Assert.Throws<ArgumentException>(() =>
                CsvDataLoader.Parse<double>(csv, new CsvOptions { Separator = separator })).Message, StringComparison.Ordinal);
        Assert.Equal(2, CsvDataLoader.Parse<double>("1;2;a\n3;4;b\n", new CsvOptions { Separator = ';' }).Rows);
    }

    [Fact]
    public void A_first_line_that_mixes_numbers_and_text_is_an_error_instead_of_a_header_that_swallows_a_row()
    {
        var error = Assert.Throws<CsvFormatException>(() => CsvDataLoader.Parse<double>("1,2O,0\n3,4,1\n5,6,0\n"));
        Assert.Contains("'2O'", error.Message, StringComparison.Ordinal);
        Assert.Contains("CsvHeader.Present", error.Message, StringComparison.Ordinal);

        // Said outright, a header with a numeric name is read as one.
        LabeledDataSet<double> data = CsvDataLoader.Parse<double>("x,2020,label\n3,4,1\n5,6,0\n", new CsvOptions { Header = CsvHeader.Present });
        Assert.Equal(["x", "2020"], data.InputNames);
        Assert.Equal(2, data.Rows);
    }

    [Fact]
    public void A_byte_order_mark_at_the_start_of_csv_text_is_not_part_of_the_first_value()
    {
        LabeledDataSet<double> data = CsvDataLoader.Parse<double>("\uFEFF1,2,0\n3,4,1\n");

        Assert.Equal(2, data.Rows);
        Assert.Equal(1.0, data.Inputs[0]);
    }

    [Fact]
    public void Scaling_a_data_set_by_a_factor_that_is_not_finite_is_an_argument_error()
    {
        var data = new LabeledDataSet<double>([1, 2], [0, 1], 1, 1);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => data.Scale(double.NaN)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Scale(double.PositiveInfinity));
    }

    [Fact]
    public void An_optimizer_reused_on_a_network_of_another_size_says_so_and_how_to_fix_it()
    {
        var adam = new Adam<double>();
        var small = new SingleLayerNetwork(2, 1);
        (double[] inputs, double[] targets) = TrainingData.Linear(8);
        small.Fit(inputs, targets, new TrainingOptions<double> { Epochs = 1, Optimizer = adam });

        var other = new SingleLayerNetwork(2, 3);
        var error = Assert.Throws<ArgumentException>(() => other.Fit(inputs, [.. System.Linq.Enumerable.Repeat(0.5, 24)], new TrainingOptions<double> { Epochs = 1, Optimizer = adam }));

        Assert.Contains("holds state for 3 parameters", error.Message, StringComparison.Ordinal);
        Assert.Contains("Reset()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_refuse_NaN_or_infinite_data_and_name_where_it_is_instead_of_returning_NaN_or_class_0()
    {
        var classifier = new SingleLayerNetwork(2, 3, Activation.Softmax);
        double[] inputs = [1, 2, double.NaN, 4];
        double[] oneHot = [1, 0, 0, 0, 1, 0];

        var accuracy = Assert.Throws<ArgumentException>(() => classifier.Accuracy(inputs, oneHot));
        Assert.Equal("inputs", accuracy.ParamName);
        Assert.Contains("NaN at row 1, column 0", accuracy.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ConfusionMatrix.Compute(classifier, inputs, oneHot));
        Assert.Throws<ArgumentException>(() => classifier.MeanLoss([1, 2, 3, 4], [1, 0, 0, 0, double.PositiveInfinity, 0]));

        var regression = Assert.Throws<ArgumentException>(() => RegressionMetrics.MeanAbsoluteError<double>([1, double.NaN], [1, 2]));
        Assert.Equal("predictions", regression.ParamName);
        Assert.Throws<ArgumentException>(() => RegressionMetrics.RootMeanSquaredError<double>([1, 2], [1, double.NegativeInfinity]));
        Assert.Contains("row 1, column 1", Assert.Throws<ArgumentException>(() =>
            RegressionMetrics.R2Score<double>([1, 2, 3, double.NaN], [1, 2, 3, 4], outputSize: 2)).Message, StringComparison.Ordinal);

        // Finite data still gives the metric.
        Assert.Equal(0.5, RegressionMetrics.MeanAbsoluteError<double>([1, 2], [1, 3]));
    }

    [Fact]
    public void Saving_into_a_missing_directory_names_the_callers_path_not_the_temporary_file()
    {
        string path = Path.Combine(_directory, "no-such-directory", "model.netgen");

        var error = Assert.Throws<DirectoryNotFoundException>(() => new SingleLayerNetwork(2, 1).Save(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error.Message, StringComparison.Ordinal);
    }

    private string WriteIdx(string name, int[] dimensions, byte[] values)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + values.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        values.CopyTo(bytes, 4 + 4 * dimensions.Length);
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
