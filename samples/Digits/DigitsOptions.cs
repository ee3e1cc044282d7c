using System.Globalization;

namespace NetGen.Samples.Digits;

/// <summary>The sample's command line: a handful of <c>--name value</c> options, each with a default.</summary>
internal sealed record DigitsOptions
{
    public const string Usage =
        """
        Usage: dotnet run --project samples/Digits [-- options]
          --epochs N            passes over the training rows (default 60)
          --learning-rate X     starting SGD step size, decayed to 0 (default 0.05)
          --label-smoothing X   weight spread over the other digits' targets, 0 to turn off (default 0.2)
          --seed N              seed of the initial weights and of the shuffling (default 2)
          --out DIR             where the learning curve and the model go (default artifacts/digits)
          --help                show this text
        """;

    public int Epochs { get; init; } = 60;

    public float LearningRate { get; init; } = 0.05f;

    public float LabelSmoothing { get; init; } = 0.2f;

    public int Seed { get; init; } = 2;

    public string OutputDirectory { get; init; } = System.IO.Path.Combine("artifacts", "digits");

    public bool ShowHelp { get; init; }

    /// <summary>Reads the options; on a bad argument returns false with a message saying which.</summary>
    public static bool TryParse(string[] args, out DigitsOptions options, out string? error)
    {
        options = new DigitsOptions();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h")
            {
                options = options with { ShowHelp = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return false;
            }
            string value = args[++i];
            switch (name)
            {
                case "--epochs" when int.TryParse(value, CultureInfo.InvariantCulture, out int epochs) && epochs >= 1:
                    options = options with { Epochs = epochs };
                    break;
                case "--learning-rate" or "--lr" when float.TryParse(value, CultureInfo.InvariantCulture, out float rate) && rate > 0 && float.IsFinite(rate):
                    options = options with { LearningRate = rate };
                    break;
                case "--label-smoothing" when float.TryParse(value, CultureInfo.InvariantCulture, out float smoothing) && smoothing >= 0 && smoothing < 1:
                    options = options with { LabelSmoothing = smoothing };
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out int seed):
                    options = options with { Seed = seed };
                    break;
                case "--out":
                    options = options with { OutputDirectory = value };
                    break;
                default:
                    error = $"Unknown option or bad value: {name} {value}";
                    return false;
            }
        }
        return true;
    }
}
