using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace NetGen;

/// <summary>The outcome of <see cref="NetworkTraining">Fit</see>: one report per completed epoch and how training ended.</summary>
public sealed class TrainingHistory
{
    /// <summary>The header of <see cref="ToCsv"/>, which also names the per-epoch fields of <see cref="WriteJson"/>.</summary>
    public const string CsvHeader = "epoch,training_loss,validation_loss,training_accuracy,validation_accuracy,learning_rate,elapsed_seconds";

    private readonly List<EpochReport> _epochs = new();

    internal TrainingHistory()
    {
    }

    /// <summary>One report per completed epoch, in order.</summary>
    public IReadOnlyList<EpochReport> Epochs => _epochs;

    /// <summary>The last completed epoch's report.</summary>
    public EpochReport Last => _epochs[^1];

    /// <summary>True when early stopping ended training before the last epoch.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>
    /// The epoch (from 1) with the lowest monitored loss (validation loss when there are validation rows,
    /// training loss otherwise); with <see cref="TrainingOptions{T}.RestoreBestWeights"/> and early stopping,
    /// the network ends holding that epoch's weights.
    /// </summary>
    public int BestEpoch { get; internal set; }

    /// <summary>Total training time.</summary>
    public TimeSpan Elapsed { get; internal set; }

    internal void Add(EpochReport report) => _epochs.Add(report);

    /// <summary>
    /// The epochs as CSV (<see cref="CsvHeader"/>, then one line per epoch): numbers in the invariant culture with
    /// round-trip precision, an empty cell for a value the run did not measure (no validation rows, not a classifier).
    /// Lines end with <c>\n</c>. Opens in a spreadsheet, or in pandas with <c>read_csv</c>.
    /// </summary>
    public string ToCsv()
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (EpochReport epoch in _epochs)
        {
            text.Append(epoch.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(epoch.TrainingLoss)).Append(',')
                .Append(Number(epoch.ValidationLoss)).Append(',')
                .Append(Number(epoch.TrainingAccuracy)).Append(',')
                .Append(Number(epoch.ValidationAccuracy)).Append(',')
                .Append(Number(epoch.LearningRate)).Append(',')
                .Append(Number(epoch.Elapsed.TotalSeconds)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes the history as one JSON object: <c>best_epoch</c>, <c>stopped_early</c>, <c>elapsed_seconds</c> and
    /// <c>epochs</c>, an array of objects with the fields of <see cref="CsvHeader"/>. A value the run did not measure,
    /// and a non-finite loss (a run with <see cref="DivergenceGuard.Off"/>), is <c>null</c>. Written with
    /// <see cref="Utf8JsonWriter"/>: no reflection, safe under trimming and native AOT.
    /// </summary>
    /// <param name="utf8Json">Receives UTF-8 JSON; left open.</param>
    public void WriteJson(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var json = new Utf8JsonWriter(utf8Json, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("best_epoch", BestEpoch);
        json.WriteBoolean("stopped_early", StoppedEarly);
        json.WriteNumber("elapsed_seconds", Elapsed.TotalSeconds);
        json.WriteStartArray("epochs");
        foreach (EpochReport epoch in _epochs)
        {
            json.WriteStartObject();
            json.WriteNumber("epoch", epoch.Epoch);
            WriteNumberOrNull(json, "training_loss", epoch.TrainingLoss);
            WriteNumberOrNull(json, "validation_loss", epoch.ValidationLoss);
            WriteNumberOrNull(json, "training_accuracy", epoch.TrainingAccuracy);
            WriteNumberOrNull(json, "validation_accuracy", epoch.ValidationAccuracy);
            WriteNumberOrNull(json, "learning_rate", epoch.LearningRate);
            json.WriteNumber("elapsed_seconds", epoch.Elapsed.TotalSeconds);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The history as a JSON string (see <see cref="WriteJson"/>).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        WriteJson(buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Number(double? value) =>
        value is double number ? number.ToString("R", CultureInfo.InvariantCulture) : "";

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        // JSON has no NaN or infinity; Utf8JsonWriter rightly refuses them.
        if (value is double number && double.IsFinite(number))
            json.WriteNumber(name, number);
        else
            json.WriteNull(name);
    }
}
