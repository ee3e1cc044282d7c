// Iris: a 4-8-3 network (tanh hidden layer, softmax output, cross-entropy) learns Fisher's three iris
// species from four flower measurements (data/ATTRIBUTION.md). Not one of the seed tutorials: the
// small classic a user tries first.
//
// iris.csv is sorted by species (50 setosa, then 50 versicolor, then 50 virginica), so splitting it in
// file order would test on virginica alone, a species the network never saw. Instead the split is
// stratified: within each species, rows are shuffled with a fixed seed and 80% go to training, 20% to
// the test set (40 + 10 of each). Features are standardised with the training set's mean and standard
// deviation only, and the test set is scaled with those same numbers.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
// The seed of the split, the initial weights and the shuffling; `-- --seed N` tries another.
int seed = args is ["--seed", var text] ? int.Parse(text, CultureInfo.InvariantCulture) : 1;

LabeledDataSet<double> iris = CsvDataLoader.Load<double>(
    Path.Combine(AppContext.BaseDirectory, "data", "iris.csv"), new CsvOptions { LabelColumnName = "species" });
var (train, test) = StratifiedSplit(iris, trainingFraction: 0.8, seed);
var scaler = FeatureScaler<double>.FitStandardization(train);
train = scaler.Transform(train);
test = scaler.Transform(test);
Console.WriteLine($"Iris: {train.Rows} training rows, {test.Rows} test rows, classes {string.Join(", ", iris.ClassNames!)}");

var network = new IrisNet(seed);
TrainingHistory history = network.Fit(train.Inputs, train.Targets, new TrainingOptions<double>
{
    Epochs = 100,
    BatchSize = 1,
    LearningRate = 0.01,
    Seed = seed,
});
Console.WriteLine($"Trained {history.Epochs.Count} epochs in {history.Elapsed.TotalMilliseconds:F0} ms: " +
                  $"training loss {history.Last.TrainingLoss:F4}, training accuracy {100 * history.Last.TrainingAccuracy:F1}%");
Console.WriteLine();

ConfusionMatrix confusion = ConfusionMatrix.Compute(network, test.Inputs, test.Targets);
Console.WriteLine("Test set (rows: actual species, columns: predicted):");
Console.WriteLine(confusion.ToString(iris.ClassNames));
Console.WriteLine();
Console.WriteLine($"Test accuracy: {100 * confusion.Accuracy:F1}% ({confusion.Correct} of {confusion.Total})");
return confusion.Accuracy >= 0.9 ? 0 : 1;

// Within each class, shuffle the rows (Fisher-Yates with a seeded Random) and give the first
// trainingFraction of them to training; both parts keep every class in the same proportion.
static (LabeledDataSet<double> Train, LabeledDataSet<double> Test) StratifiedSplit(LabeledDataSet<double> data, double trainingFraction, int seed)
{
    var random = new Random(seed);
    var trainRows = new List<int>();
    var testRows = new List<int>();
    foreach (var rowsOfClass in Enumerable.Range(0, data.Rows).GroupBy(row => data.Labels![row]))
    {
        int[] rows = rowsOfClass.ToArray();
        random.Shuffle(rows);
        int trainCount = (int)Math.Round(rows.Length * trainingFraction);
        trainRows.AddRange(rows[..trainCount]);
        testRows.AddRange(rows[trainCount..]);
    }
    return (Subset(data, trainRows), Subset(data, testRows));
}

static LabeledDataSet<double> Subset(LabeledDataSet<double> data, List<int> rows) =>
    new(
        rows.SelectMany(row => data.Input(row).ToArray()).ToArray(),
        rows.SelectMany(row => data.Target(row).ToArray()).ToArray(),
        data.InputSize, data.TargetSize,
        rows.Select(row => data.Labels![row]).ToArray(),
        data.InputNames, data.ClassNames);

/// <summary>4 measurements in, 8 tanh units, 3 species out (softmax with cross-entropy).</summary>
[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy)]
public partial class IrisNet { }
