// The deployed program: classifies raw iris measurements with nothing but itself. The network's weights
// are compiled in (Weights = "iris.json", an AdditionalFiles item; nothing is parsed at start-up), and
// the input scaling and class names are C# constants (Model/IrisModel.g.cs). Both files come from one
// training run of samples/Deploy, which checks on every run that its training still produces them.
//
//   IrisApp 5.1,3.5,1.4,0.2 [ROW ...]     the species and probabilities of each raw row
//   IrisApp --per-row [SECONDS]           times one raw-row prediction (scaling and network)
//
// With DEPLOY_LAUNCHED_AT_US set to the launch time (microseconds since 1970, as bash's EPOCHREALTIME
// without its dot), it also reports on stderr how long after launch the first prediction was printed;
// publish-aot.sh measures start-up that way.

using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using NetGen;
using NetGen.Samples.Deploy;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var network = new DeployedIrisNet();
ModelInfo<double> model = IrisModel.Info;

if (args is ["--per-row", .. string[] rest])
    return PerRow.Measure(network, model, rest is [string seconds] ? double.Parse(seconds, CultureInfo.InvariantCulture) : 2.0);
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: IrisApp ROW [ROW ...]   each ROW as sepal length, sepal width, petal length, petal width in cm: 5.1,3.5,1.4,0.2");
    return 2;
}

var probabilities = new double[DeployedIrisNet.OutputSize];
for (int i = 0; i < args.Length; i++)
{
    double[] raw = args[i].Split(',').Select(field => double.Parse(field, CultureInfo.InvariantCulture)).ToArray();
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

namespace NetGen.Samples.Deploy
{
    /// <summary>The iris classifier of samples/Deploy, declared as its training step declares it, with the trained weights compiled in.</summary>
    [Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = LossFunction.CrossEntropy, Weights = "iris.json")]
    public partial class DeployedIrisNet
    {
    }

    /// <summary>The per-row cost of deployment: a raw row scaled and run through the network, as <c>IrisApp ROW</c> does it.</summary>
    internal static class PerRow
    {
        // Raw rows of all three species, cycled so that no single input is all the timing sees.
        private static readonly double[][] Rows = [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.3, 3.3, 6.0, 2.5], [6.0, 2.7, 5.1, 1.6], [4.9, 2.5, 4.5, 1.7]];

        private const int Rounds = 7;
        private const int RowsPerCheck = 5_000;

        /// <summary>
        /// Warms up (so the JIT has reached its optimised tier), then runs <see cref="Rounds"/> rounds of about
        /// <paramref name="seconds"/> / <see cref="Rounds"/> each and prints the median and fastest nanoseconds per row.
        /// </summary>
        public static int Measure(DeployedIrisNet network, ModelInfo<double> model, double seconds)
        {
            var output = new double[DeployedIrisNet.OutputSize];
            double sink = 0;
            Run(network, model, output, TimeSpan.FromSeconds(0.5), ref sink);
            var perRow = new double[Rounds];
            for (int round = 0; round < Rounds; round++)
                perRow[round] = Run(network, model, output, TimeSpan.FromSeconds(seconds / Rounds), ref sink);
            Array.Sort(perRow);
            Console.WriteLine(FormattableString.Invariant($"per row: median {perRow[Rounds / 2]:F1} ns, fastest {perRow[0]:F1} ns ({Rounds} rounds; checksum {sink:G6})"));
            return 0;
        }

        /// <summary>Predicts rows for at least <paramref name="duration"/>; the nanoseconds per row.</summary>
        private static double Run(DeployedIrisNet network, ModelInfo<double> model, double[] output, TimeSpan duration, ref double sink)
        {
            long rows = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                for (int i = 0; i < RowsPerCheck; i++)
                {
                    model.Predict(network, Rows[i % Rows.Length], output);
                    sink += output[0];
                }
                rows += RowsPerCheck;
            }
            return clock.Elapsed.TotalNanoseconds / rows;
        }
    }
}
