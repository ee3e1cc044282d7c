// The deployed program: classifies raw iris measurements with nothing but itself. The network's weights
// are compiled in (Weights = "iris.json", an AdditionalFiles item; nothing is parsed at start-up), and
// the input scaling and class names are C# constants (Model/IrisModel.g.cs). Both files come from one
// training run of samples/Deploy, which checks on every run that its training still produces them.
//
//   IrisApp 5.1,3.5,1.4,0.2 [ROW ...]     the species and probabilities of each raw row
//   IrisApp --per-row [SECONDS]           CPU time of one raw-row prediction (scaling and network)
//
// With DEPLOY_LAUNCHED_AT_US set to the launch time (microseconds since 1970, as bash's EPOCHREALTIME
// without its dot), it also reports on stderr how long after launch the first prediction was printed;
// publish-aot.sh measures start-up that way.

using System;
using System.Globalization;
using System.Linq;
using NetGen;
using NetGen.Samples.Deploy;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var network = new DeployedIrisNet();
ModelInfo<double> model = IrisModel.Info;

if (args is ["--per-row"])
    return PerRow.Measure(network, model, seconds: 2.0);
if (args is ["--per-row", string secondsText])
{
    if (double.TryParse(secondsText, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is > 0 and <= 3600)
        return PerRow.Measure(network, model, seconds);
    Console.Error.WriteLine($"expected --per-row SECONDS with SECONDS from 0 to 3600, got \"{secondsText}\"");
    return 2;
}
if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: IrisApp ROW [ROW ...]   each ROW as sepal length, sepal width, petal length, petal width in cm: 5.1,3.5,1.4,0.2");
    Console.Error.WriteLine("       IrisApp --per-row [SECONDS]");
    return 2;
}

var probabilities = new double[DeployedIrisNet.OutputSize];
for (int i = 0; i < args.Length; i++)
{
    if (ParseRow(args[i]) is not double[] raw)
    {
        Console.Error.WriteLine($"expected {DeployedIrisNet.InputSize} numbers separated by commas (sepal length, sepal width, petal length, petal width in cm), got \"{args[i]}\"");
        return 2;
    }
    model.Predict(network, raw, probabilities);
    string species = model.PredictClassName(network, raw);
    Console.WriteLine($"  {args[i],-18} -> {species,-16} p = {string.Join(" ", probabilities.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))}");
    if (i == 0 && Environment.GetEnvironmentVariable("DEPLOY_LAUNCHED_AT_US") is string launched)
    {
        Console.Out.Flush();
        long microseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10 - long.Parse(launched, CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"first prediction printed {microseconds} us after launch");
    }
}
return 0;

// A raw row as the command line gives it, or null when it is not the network's number of finite numbers.
static double[]? ParseRow(string text)
{
    string[] fields = text.Split(',');
    var row = new double[fields.Length];
    for (int j = 0; j < fields.Length; j++)
        if (!double.TryParse(fields[j], NumberStyles.Float, CultureInfo.InvariantCulture, out row[j]) || !double.IsFinite(row[j]))
            return null;
    return row.Length == DeployedIrisNet.InputSize ? row : null;
}

namespace NetGen.Samples.Deploy
{
    /// <summary>The iris classifier of samples/Deploy, declared as its training step declares it, with the trained weights compiled in.</summary>
    [Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Weights = "iris.json")]
    public partial class DeployedIrisNet
    {
    }

    /// <summary>
    /// The per-row cost of deployment: a raw row scaled and run through the network, as <c>IrisApp ROW</c> does it
    /// (<see cref="ModelInfo{T}.Predict"/>), and the network alone on rows scaled beforehand, to show what scaling adds.
    /// </summary>
    internal static class PerRow
    {
        // Raw rows of all three species, cycled so that no single input is all the timing sees.
        private static readonly double[][] RawRows = [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.3, 3.3, 6.0, 2.5], [6.0, 2.7, 5.1, 1.6], [4.9, 2.5, 4.5, 1.7]];

        private const int Rounds = 7;
        private const int RowsPerCheck = 5_000;

        /// <summary>
        /// Warms up (so the JIT has reached its optimised tier), then for each way runs <see cref="Rounds"/> rounds of
        /// about <paramref name="seconds"/> / (2 <see cref="Rounds"/>) each and prints the median and fastest nanoseconds per row.
        /// </summary>
        public static int Measure(DeployedIrisNet network, ModelInfo<double> model, double seconds)
        {
            double[][] scaledRows = RawRows.Select(row => row.ToArray()).ToArray();
            foreach (double[] row in scaledRows)
                model.Scaler!.TransformInPlace(row);
            var output = new double[DeployedIrisNet.OutputSize];
            double sink = 0;
            foreach (bool scale in new[] { true, false })
                Run(network, model, scale ? RawRows : scaledRows, scale, output, TimeSpan.FromSeconds(0.5), ref sink);
            foreach (bool scale in new[] { true, false })
            {
                var perRow = new double[Rounds];
                for (int round = 0; round < Rounds; round++)
                    perRow[round] = Run(network, model, scale ? RawRows : scaledRows, scale, output, TimeSpan.FromSeconds(seconds / (2 * Rounds)), ref sink);
                Array.Sort(perRow);
                string what = scale ? "raw row, scaled and predicted (ModelInfo.Predict)" : "scaled row, network alone (Predict)";
                Console.WriteLine(FormattableString.Invariant($"{what}: median {perRow[Rounds / 2]:F1} ns, fastest {perRow[0]:F1} ns per row"));
            }
            Console.WriteLine(FormattableString.Invariant($"(process CPU time; {Rounds} rounds each after 0.5 s of warm-up; checksum {sink:G6})"));
            return 0;
        }

        /// <summary>
        /// Predicts rows for at least <paramref name="duration"/> of the process's CPU time; the CPU nanoseconds per row.
        /// CPU time, not the wall clock: on a busy machine the wall clock also counts the time other programs ran.
        /// </summary>
        private static double Run(DeployedIrisNet network, ModelInfo<double> model, double[][] rows, bool scale, double[] output, TimeSpan duration, ref double sink)
        {
            long done = 0;
            TimeSpan start = Environment.CpuUsage.TotalTime, elapsed;
            do
            {
                for (int i = 0; i < RowsPerCheck; i++)
                {
                    if (scale)
                        model.Predict(network, rows[i % rows.Length], output);
                    else
                        network.Predict(rows[i % rows.Length], output);
                    sink += output[0];
                }
                done += RowsPerCheck;
                elapsed = Environment.CpuUsage.TotalTime - start;
            }
            while (elapsed < duration);
            return elapsed.TotalNanoseconds / done;
        }
    }
}
