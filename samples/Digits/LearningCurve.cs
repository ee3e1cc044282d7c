using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace NetGen.Samples.Digits;

/// <summary>
/// Draws a training history as a self-contained SVG: loss per epoch on the left, accuracy per epoch on
/// the right, training and test lines in each. Hand-written: a plotting package would be the only one
/// this sample needs, and an SVG of two line charts is a few dozen elements.
/// </summary>
internal static class LearningCurve
{
    private const double PanelWidth = 460, PanelHeight = 320;
    private const double MarginLeft = 64, MarginRight = 16, MarginTop = 56, MarginBottom = 48;
    private const string TrainingColour = "#1f77b4", TestColour = "#d62728"; // matplotlib's blue and red

    /// <summary>The SVG document for <paramref name="history"/>.</summary>
    public static string ToSvg(TrainingHistory history, string title, bool smoothedLabels)
    {
        IReadOnlyList<EpochReport> epochs = history.Epochs;
        double[] trainingLoss = epochs.Select(e => e.TrainingLoss).ToArray();
        double[] testLoss = epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray();
        double[] trainingAccuracy = epochs.Select(e => e.TrainingAccuracy ?? double.NaN).ToArray();
        double[] testAccuracy = epochs.Select(e => e.ValidationAccuracy ?? double.NaN).ToArray();

        double width = 2 * PanelWidth, height = MarginTop + PanelHeight + 24;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Segoe UI, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>\n"));

        double maxLoss = Math.Max(trainingLoss.Max(), testLoss.Where(double.IsFinite).DefaultIfEmpty(0).Max());
        Panel(svg, 0, "Loss per epoch (cross-entropy)", trainingLoss, testLoss, 0, maxLoss, percent: false);

        double minAccuracy = trainingAccuracy.Concat(testAccuracy).Where(double.IsFinite).DefaultIfEmpty(0).Min();
        Panel(svg, PanelWidth, "Accuracy per epoch", trainingAccuracy, testAccuracy, Math.Floor(minAccuracy * 10) / 10, 1, percent: true);

        // One legend for both panels, under the title.
        double legendY = 44;
        Legend(svg, width / 2 - 110, legendY, TrainingColour, "training set");
        Legend(svg, width / 2 + 20, legendY, TestColour, "test set");
        svg.Append(Invariant($"<text x=\"{width / 2}\" y=\"{height - 8}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#666\">{Footnote(smoothedLabels)}</text>\n"));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Footnote(bool smoothedLabels) =>
        "Training loss: the mean over each epoch's steps" + (smoothedLabels ? ", on the smoothed targets (so never 0)" : "") +
        ". Test loss and the accuracies: at the end of each epoch.";

    private static void Panel(StringBuilder svg, double left, string title, double[] training, double[] test, double low, double high, bool percent)
    {
        double plotLeft = left + MarginLeft, plotRight = left + PanelWidth - MarginRight;
        double plotTop = MarginTop + 16, plotBottom = MarginTop + PanelHeight - MarginBottom;
        int count = training.Length;
        double[] yTicks = Ticks(low, high);
        low = Math.Min(low, yTicks[0]);
        high = Math.Max(high, yTicks[^1]);

        double X(int epoch) => count == 1 ? (plotLeft + plotRight) / 2 : plotLeft + (plotRight - plotLeft) * (epoch - 1) / (count - 1);
        double Y(double value) => plotBottom - (plotBottom - plotTop) * (value - low) / (high - low);

        svg.Append(Invariant($"<text x=\"{(plotLeft + plotRight) / 2}\" y=\"{plotTop - 8}\" text-anchor=\"middle\" font-size=\"13\">{title}</text>\n"));
        foreach (double tick in yTicks)
        {
            string label = percent ? (tick * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : tick.ToString("0.###", CultureInfo.InvariantCulture);
            svg.Append(Invariant($"<line x1=\"{plotLeft}\" y1=\"{Y(tick):F1}\" x2=\"{plotRight}\" y2=\"{Y(tick):F1}\" stroke=\"#e0e0e0\"/>\n"));
            svg.Append(Invariant($"<text x=\"{plotLeft - 6}\" y=\"{Y(tick) + 4:F1}\" text-anchor=\"end\">{label}</text>\n"));
        }
        foreach (double tick in Ticks(1, count).Where(t => t >= 1 && t <= count && t == Math.Floor(t)))
        {
            svg.Append(Invariant($"<line x1=\"{X((int)tick):F1}\" y1=\"{plotBottom}\" x2=\"{X((int)tick):F1}\" y2=\"{plotBottom + 4}\" stroke=\"#444\"/>\n"));
            svg.Append(Invariant($"<text x=\"{X((int)tick):F1}\" y=\"{plotBottom + 18}\" text-anchor=\"middle\">{tick}</text>\n"));
        }
        svg.Append(Invariant($"<rect x=\"{plotLeft}\" y=\"{plotTop}\" width=\"{plotRight - plotLeft}\" height=\"{plotBottom - plotTop}\" fill=\"none\" stroke=\"#444\"/>\n"));
        svg.Append(Invariant($"<text x=\"{(plotLeft + plotRight) / 2}\" y=\"{plotBottom + 36}\" text-anchor=\"middle\">epoch</text>\n"));

        Line(svg, training, X, Y, TrainingColour);
        Line(svg, test, X, Y, TestColour);
    }

    private static void Line(StringBuilder svg, double[] values, Func<int, double> x, Func<double, double> y, string colour)
    {
        var points = new StringBuilder();
        for (int i = 0; i < values.Length; i++)
            if (double.IsFinite(values[i]))
                points.Append(Invariant($"{x(i + 1):F1},{y(values[i]):F1} "));
        if (points.Length == 0)
            return;
        svg.Append(Invariant($"<polyline points=\"{points.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n"));
        if (values.Length <= 60) // markers only while they stay apart
            for (int i = 0; i < values.Length; i++)
                if (double.IsFinite(values[i]))
                    svg.Append(Invariant($"<circle cx=\"{x(i + 1):F1}\" cy=\"{y(values[i]):F1}\" r=\"2.5\" fill=\"{colour}\"/>\n"));
    }

    private static void Legend(StringBuilder svg, double x, double y, string colour, string label)
    {
        svg.Append(Invariant($"<line x1=\"{x}\" y1=\"{y - 4}\" x2=\"{x + 24}\" y2=\"{y - 4}\" stroke=\"{colour}\" stroke-width=\"2\"/>\n"));
        svg.Append(Invariant($"<text x=\"{x + 30}\" y=\"{y}\">{label}</text>\n"));
    }

    /// <summary>About five round tick values (steps of 1, 2 or 5 times a power of ten) covering [low, high].</summary>
    private static double[] Ticks(double low, double high)
    {
        if (!(high > low))
            high = low + 1;
        double rough = (high - low) / 5;
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * power).First(s => s >= rough);
        double first = Math.Floor(low / step) * step;
        var ticks = new List<double>();
        for (double tick = first; tick < high + step * 0.999; tick += step)
            ticks.Add(Math.Round(tick, 10));
        return ticks.ToArray();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
