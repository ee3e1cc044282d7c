using System.IO;
using System.Linq;
using System.Text.Json;

namespace NetGen.Runtime.Tests.Support;

/// <summary>Fixtures/trainkit_reference.json: what PyTorch's optimizers, schedulers and clipping compute (Fixtures/make_trainkit_fixture.py).</summary>
internal static class TrainkitReference
{
    private static readonly JsonElement s_root = JsonDocument.Parse(File.ReadAllText(FixtureFiles.PathOf("trainkit_reference.json"))).RootElement;

    public static double[] Start => Vector(s_root.GetProperty("start"));

    public static double[][] Gradients => Rows(s_root.GetProperty("gradients"));

    /// <summary>The parameters after each step of the named optimizer run.</summary>
    public static double[][] OptimizerSteps(string name) => Rows(s_root.GetProperty("optimizers").GetProperty(name));

    /// <summary>The learning rate of each epoch (or, for one-cycle, of each batch).</summary>
    public static double[] Schedule(string name) => Vector(s_root.GetProperty("schedules").GetProperty(name));

    public static double[] PlateauLosses => Vector(s_root.GetProperty("plateau_losses"));

    public static double[] ClipGradients => Vector(s_root.GetProperty("clipping").GetProperty("gradients"));

    public static (double MaxNorm, double Norm, double[] Clipped)[] ClipCases =>
        s_root.GetProperty("clipping").GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("max_norm").GetDouble(), c.GetProperty("norm").GetDouble(), Vector(c.GetProperty("clipped"))))
            .ToArray();

    private static double[] Vector(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static double[][] Rows(JsonElement array) => array.EnumerateArray().Select(Vector).ToArray();
}
