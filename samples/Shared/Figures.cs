using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen;
using ScottPlot;
using SkiaSharp;

namespace NetGen.Samples.Shared;

/// <summary>One test sample the network got wrong: its pixels (row-major, one value per pixel) and both labels.</summary>
/// <param name="Pixels">The image, row-major; larger values are drawn darker (ink on paper).</param>
/// <param name="Actual">The true class.</param>
/// <param name="Predicted">The class the network chose.</param>
public sealed record Misclassification(float[] Pixels, int Actual, int Predicted);

/// <summary>
/// The samples' pictures, drawn with ScottPlot: a learning curve, a confusion-matrix heat map and a
/// grid of misclassified images. Linked into each sample that draws (never part of the NetGen
/// package); every figure is written as PNG, and the learning curve also as SVG.
/// </summary>
public static class Figures
{
    private static readonly Color TrainingColour = Color.FromHex("#1f77b4"), TestColour = Color.FromHex("#d62728"); // matplotlib's blue and red

    /// <summary>
    /// The font every figure uses. SkiaSharp's NoDependencies build finds fonts by scanning
    /// /usr/share/fonts (no fontconfig); DejaVu Sans is Debian's default, and where it is missing
    /// ScottPlot falls back to whatever font it finds.
    /// </summary>
    private static readonly string FontName = SKFontManager.Default.MatchFamily("DejaVu Sans") is not null ? "DejaVu Sans" : Fonts.Default;

    /// <summary>Loss and accuracy per epoch, training and test set, as two panels side by side; writes <paramref name="basePath"/>.png and .svg.</summary>
    /// <param name="history">What <c>Fit</c> returned; validation values are drawn where present.</param>
    /// <param name="lossName">The loss, for the left panel's axis label.</param>
    /// <param name="trainingLossNote">How the training loss was measured, shown in the loss panel's legend.</param>
    /// <param name="basePath">The output path without extension.</param>
    /// <returns>The PNG and SVG paths written.</returns>
    public static (string Png, string Svg) SaveLearningCurve(TrainingHistory history, string lossName, string trainingLossNote, string basePath)
    {
        ArgumentNullException.ThrowIfNull(history);
        IReadOnlyList<EpochReport> epochs = history.Epochs;
        if (epochs.Count == 0)
            throw new ArgumentException("The history has no epoch to draw.", nameof(history));
        double[] epochNumbers = epochs.Select(e => (double)e.Epoch).ToArray();

        Plot loss = new(), accuracy = new();
        var figure = new Multiplot(loss) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        figure.AddPlot(accuracy);
        double largestLoss = Panel(loss, "Loss per epoch", lossName, epochNumbers, Alignment.UpperRight,
                                   ($"training set ({trainingLossNote})", epochs.Select(e => (double?)e.TrainingLoss)),
                                   ("test set (end of epoch)", epochs.Select(e => e.ValidationLoss))).Max;
        loss.Axes.SetLimitsY(0, largestLoss * 1.05);

        double lowestAccuracy = Panel(accuracy, "Accuracy per epoch", "accuracy (%)", epochNumbers, Alignment.LowerRight,
                                      ("training set", epochs.Select(e => 100 * e.TrainingAccuracy)),
                                      ("test set", epochs.Select(e => 100 * e.ValidationAccuracy))).Min;
        accuracy.Axes.SetLimitsY(Math.Min(Math.Floor(lowestAccuracy / 5) * 5, 95), 100.5);

        const int Width = 1000, Height = 420;
        string png = basePath + ".png", svg = basePath + ".svg";
        figure.SavePng(png, Width, Height);
        SaveSvg(figure, svg, Width, Height);
        return (png, svg);
    }

    /// <summary>The confusion matrix as a heat map of counts, each cell labelled; writes a PNG.</summary>
    /// <param name="confusion">Counts by actual (rows) and predicted (columns) class.</param>
    /// <param name="title">The figure's title.</param>
    /// <param name="classNames">One label per class, or null for the class numbers.</param>
    /// <param name="path">The PNG to write.</param>
    public static void SaveConfusionMatrix(ConfusionMatrix confusion, string title, IReadOnlyList<string>? classNames, string path)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        int classes = confusion.ClassCount;
        if (classNames is not null && classNames.Count != classes)
            throw new ArgumentException($"Expected {classes} class names, got {classNames.Count}.", nameof(classNames));

        // Row r of the array is drawn at the top for r = 0, like the printed matrix: actual class r sits at y = classes - 1 - r.
        var counts = new double[classes, classes];
        int largest = 1;
        for (int actual = 0; actual < classes; actual++)
            for (int predicted = 0; predicted < classes; predicted++)
            {
                counts[actual, predicted] = confusion[actual, predicted];
                largest = Math.Max(largest, confusion[actual, predicted]);
            }

        var plot = new Plot();
        UseFont(plot);
        var heatmap = plot.Add.Heatmap(counts);
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues()); // more samples, darker blue
        // The extent names the centres of the corner cells: one unit per class, centred on the tick.
        heatmap.Extent = new CoordinateRect(0, classes - 1, 0, classes - 1);
        plot.Add.ColorBar(heatmap).Label = "test samples";

        for (int actual = 0; actual < classes; actual++)
            for (int predicted = 0; predicted < classes; predicted++)
            {
                int count = confusion[actual, predicted];
                if (count == 0)
                    continue; // empty cells stay blank so the mistakes stand out
                var label = plot.Add.Text(count.ToString(CultureInfo.InvariantCulture), predicted, classes - 1 - actual);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = 13;
                label.LabelFontName = FontName;
                label.LabelFontColor = count > largest / 2 ? Colors.White : Colors.Black;
            }

        string Name(int index) => classNames?[index] ?? index.ToString(CultureInfo.InvariantCulture);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, classes).Select(i => (double)i).ToArray(), Enumerable.Range(0, classes).Select(Name).ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, classes).Select(i => (double)(classes - 1 - i)).ToArray(), Enumerable.Range(0, classes).Select(Name).ToArray());
        plot.Axes.SetLimits(-0.5, classes - 0.5, -0.5, classes - 0.5);
        plot.Title(title);
        plot.XLabel("predicted class");
        plot.YLabel("actual class");
        plot.HideGrid();
        plot.SavePng(path, 620, 560);
    }

    /// <summary>
    /// The images a classifier got wrong, in a grid, each captioned with its true and predicted
    /// label; writes a PNG. Works for any image size (8x8 digits, 28x28 MNIST).
    /// </summary>
    /// <param name="samples">The misclassified images, drawn in order; at most <paramref name="maxImages"/> of them.</param>
    /// <param name="imageWidth">Pixels per image row.</param>
    /// <param name="imageHeight">Rows per image.</param>
    /// <param name="title">The figure's title.</param>
    /// <param name="classNames">One label per class, or null for the class numbers.</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="columns">Images per row of the grid.</param>
    /// <param name="maxImages">The most images drawn; the title says how many were left out.</param>
    public static void SaveMisclassifiedGrid(IReadOnlyList<Misclassification> samples, int imageWidth, int imageHeight, string title,
                                             IReadOnlyList<string>? classNames, string path, int columns = 8, int maxImages = 32)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImages, 1);
        foreach (Misclassification sample in samples)
            if (sample.Pixels.Length != imageWidth * imageHeight)
                throw new ArgumentException($"Each image needs {imageWidth} x {imageHeight} = {imageWidth * imageHeight} pixels; one has {sample.Pixels.Length}.", nameof(samples));

        int shown = Math.Min(samples.Count, maxImages);
        int rows = Math.Max(1, (shown + columns - 1) / columns);
        string Name(int index) => classNames is not null && index >= 0 && index < classNames.Count ? classNames[index] : index.ToString(CultureInfo.InvariantCulture);

        // Each image is one unit square of the plot, with room under it for its caption.
        const double Gap = 0.15, CaptionHeight = 0.45;
        var plot = new Plot();
        UseFont(plot);
        for (int i = 0; i < shown; i++)
        {
            Misclassification sample = samples[i];
            var pixels = new double[imageHeight, imageWidth];
            for (int y = 0; y < imageHeight; y++)
                for (int x = 0; x < imageWidth; x++)
                    pixels[y, x] = sample.Pixels[y * imageWidth + x];
            double left = (i % columns) * (1 + Gap), top = -(i / columns) * (1 + Gap + CaptionHeight);
            var image = plot.Add.Heatmap(pixels);
            image.Colormap = new ScottPlot.Colormaps.GrayscaleReversed();
            double halfPixelX = 0.5 / imageWidth, halfPixelY = 0.5 / imageHeight; // the extent names the corner pixels' centres
            image.Extent = new CoordinateRect(left + halfPixelX, left + 1 - halfPixelX, top - 1 + halfPixelY, top - halfPixelY);

            var caption = plot.Add.Text($"true {Name(sample.Actual)}, said {Name(sample.Predicted)}", left + 0.5, top - 1.05);
            caption.LabelAlignment = Alignment.UpperCenter;
            caption.LabelFontSize = 12;
            caption.LabelFontName = FontName;
        }

        string heading = shown == samples.Count ? $"{title}: {samples.Count} misclassified" : $"{title}: {shown} of {samples.Count} misclassified";
        plot.Title(heading);
        plot.Layout.Frameless();
        plot.Axes.Title.IsVisible = true;
        plot.HideGrid();
        plot.Axes.SetLimits(-Gap, columns * (1 + Gap), -rows * (1 + Gap + CaptionHeight), 0.35);
        int widthPixels = columns * 130, heightPixels = 60 + rows * 165;
        plot.SavePng(path, widthPixels, heightPixels);
    }

    /// <summary>The rows of <paramref name="inputs"/> that <paramref name="network"/> classifies wrongly, in order.</summary>
    /// <param name="network">A classifier with one output per class (softmax) or a single sigmoid output.</param>
    /// <param name="inputs">Rows of <see cref="INetwork{T}.InputSize"/> values, row-major.</param>
    /// <param name="targets">One-hot rows (or one 0/1 value per row) of <see cref="INetwork{T}.OutputSize"/> values.</param>
    public static List<Misclassification> FindMisclassified(INetwork<float> network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        ArgumentNullException.ThrowIfNull(network);
        int rows = inputs.Length / network.InputSize;
        if (inputs.Length != rows * network.InputSize || targets.Length != rows * network.OutputSize)
            throw new ArgumentException($"Expected inputs of a multiple of {network.InputSize} values and {network.OutputSize} target values per row; got {inputs.Length} and {targets.Length}.");
        var wrong = new List<Misclassification>();
        var output = new float[network.OutputSize];
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> input = inputs.Slice(row * network.InputSize, network.InputSize);
            network.Predict(input, output);
            int actual = NetworkMetrics.ClassOf(targets.Slice(row * network.OutputSize, network.OutputSize));
            int predicted = NetworkMetrics.ClassOf<float>(output);
            if (actual != predicted)
                wrong.Add(new Misclassification(input.ToArray(), actual, predicted));
        }
        return wrong;
    }

    /// <summary>One panel of the learning curve; returns the smallest and largest value drawn.</summary>
    private static (double Min, double Max) Panel(Plot plot, string title, string yLabel, double[] epochs, Alignment legendCorner,
                                                  (string Label, IEnumerable<double?> Values) training, (string Label, IEnumerable<double?> Values) test)
    {
        UseFont(plot);
        double[] drawn = AddLine(plot, epochs, training.Values, TrainingColour, training.Label)
            .Concat(AddLine(plot, epochs, test.Values, TestColour, test.Label)).ToArray();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(legendCorner); // where the curves are not: loss falls, accuracy rises
        plot.Legend.FontName = FontName;
        plot.Axes.SetLimitsX(epochs[0] - 0.5, epochs[^1] + 0.5);
        return drawn.Length == 0 ? (0, 1) : (drawn.Min(), drawn.Max());
    }

    /// <summary>One line; epochs without a value (no validation set) are left out rather than drawn at 0. Returns the values drawn.</summary>
    private static double[] AddLine(Plot plot, double[] epochs, IEnumerable<double?> values, Color colour, string label)
    {
        double?[] all = values.ToArray();
        int[] present = Enumerable.Range(0, all.Length).Where(i => all[i] is double value && double.IsFinite(value)).ToArray();
        double[] drawn = present.Select(i => all[i]!.Value).ToArray();
        if (present.Length == 0)
            return drawn;
        var line = plot.Add.Scatter(present.Select(i => epochs[i]).ToArray(), drawn, colour);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = present.Length <= 60 ? 4 : 0; // markers only while they stay apart
        return drawn;
    }

    private static void UseFont(Plot plot) => plot.Font.Set(FontName);

    /// <summary>ScottPlot writes SVG for a single plot only; a multi-panel figure goes through SkiaSharp's SVG canvas.</summary>
    private static void SaveSvg(Multiplot figure, string path, int width, int height)
    {
        using FileStream file = File.Create(path);
        using (SKCanvas canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), file))
            figure.Render(canvas, new PixelRect(0, width, height, 0));
    }
}
