using System.Globalization;

namespace NetGen.Benchmarks.Harness;

/// <summary>How the benchmark reports write a time: three or four significant digits in the unit that fits.</summary>
public static class TimeFormat
{
    public static string Ns(double ns) => ns switch
    {
        >= 1e6 => $"{(ns / 1e6).ToString("0.000", CultureInfo.InvariantCulture)} ms",
        >= 1e4 => $"{(ns / 1e3).ToString("0.0", CultureInfo.InvariantCulture)} us",
        >= 1e3 => $"{(ns / 1e3).ToString("0.00", CultureInfo.InvariantCulture)} us",
        >= 100 => $"{ns.ToString("0", CultureInfo.InvariantCulture)} ns",
        _ => $"{ns.ToString("0.0", CultureInfo.InvariantCulture)} ns",
    };
}
