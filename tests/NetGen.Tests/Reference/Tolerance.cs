using System;
using Xunit.Sdk;

namespace NetGen.Tests.Reference;

/// <summary>The agreed error measure: |actual - expected| / max(1, |expected|).</summary>
public static class Tolerance
{
    public const double Double = 1e-9;
    public const double Single = 3e-4;

    public static void Equal(double expected, double actual, double tolerance, string what)
    {
        double error = Math.Abs(actual - expected) / Math.Max(1.0, Math.Abs(expected));
        if (!(error <= tolerance))
            throw new XunitException($"{what}: expected {expected:R}, got {actual:R} (error {error:E2} > {tolerance:E0})");
    }

    public static void Equal(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"{what}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
            Equal(expected[i], actual[i], tolerance, $"{what}[{i}]");
    }

    public static void Equal(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"{what}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
            Equal(expected[i], actual[i], tolerance, $"{what}[{i}]");
    }
}
