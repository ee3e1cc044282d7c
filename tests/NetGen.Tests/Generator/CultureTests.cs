using System;
using System.Globalization;
using System.Linq;
using NetGen.Tests.Support;

namespace NetGen.Tests.Generator;

/// <summary>Generated literals do not depend on the build machine's culture.</summary>
public class CultureTests
{
    private const string Source = """
        using NetGen;
        namespace App;
        [Network(3, 4, 3, Hidden = Activation.LeakyReLU, Output = Activation.Sigmoid, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
        public partial class Net { }
        """;

    [Theory]
    [InlineData("fi-FI")]
    [InlineData("sv-SE")]
    [InlineData("ar-SA")]
    public void Output_is_byte_identical_under_a_culture_with_another_minus_sign_and_decimal_comma(string cultureName)
    {
        string invariant = Generate(CultureInfo.InvariantCulture);
        string local = Generate(CultureInfo.GetCultureInfo(cultureName));
        Assert.Equal(invariant, local);
        Assert.DoesNotContain('\u2212', local);
        // The MSE gradient scale 2/3 is written as a float literal that round-trips exactly.
        Assert.Contains("0.6666667f", local, StringComparison.Ordinal);
    }

    private static string Generate(CultureInfo culture)
    {
        CultureInfo saved = CultureInfo.CurrentCulture, savedUi = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
            GeneratorRun run = GeneratorHarness.Run(Source);
            Assert.Empty(run.CompilationProblems);
            return run.Sources.Single().SourceText.ToString();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = savedUi;
        }
    }
}
