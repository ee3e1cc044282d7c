using System;

namespace NetGen;

/// <summary>
/// How the tensors of a PyTorch <c>nn.Sequential</c> of <c>Linear</c> layers are named, for the formats
/// that key tensors by name (state_dict JSON, safetensors): NetGen writes <c>0.weight</c>,
/// <c>0.bias</c>, <c>2.weight</c>, ... (the activation after each <c>Linear</c> takes the odd index) and
/// reads any prefix, as long as each layer's <c>weight</c> and <c>bias</c> share it (<c>fc1.weight</c>
/// with <c>fc1.bias</c>, <c>net.0.weight</c> with <c>net.0.bias</c>).
/// </summary>
internal static class StateDictKeys
{
    /// <summary>The key NetGen writes for the weight of <paramref name="layer"/> (0 is the first weight layer).</summary>
    public static string Weight(int layer) => $"{2 * layer}.weight";

    /// <summary>The key NetGen writes for the bias of <paramref name="layer"/>.</summary>
    public static string Bias(int layer) => $"{2 * layer}.bias";

    /// <summary>
    /// Splits <paramref name="key"/> into its layer prefix (with the trailing dot, or empty) and
    /// whether it is the bias; false when it names neither a weight nor a bias.
    /// </summary>
    public static bool TrySplit(string key, out string prefix, out bool isBias)
    {
        foreach ((string suffix, bool bias) in (ReadOnlySpan<(string, bool)>)[("weight", false), ("bias", true)])
        {
            if (key == suffix || key.EndsWith("." + suffix, StringComparison.Ordinal))
            {
                prefix = key[..^suffix.Length];
                isBias = bias;
                return true;
            }
        }
        prefix = "";
        isBias = false;
        return false;
    }

    /// <summary>
    /// Orders layer prefixes as a person numbers them: runs of digits compare by value, so
    /// <c>2.</c> comes before <c>10.</c> and <c>fc2.</c> before <c>fc10.</c>; everything else compares
    /// ordinally. Formats whose tensors have no order of their own (safetensors) take layers in this order.
    /// </summary>
    public static int CompareLayerPrefixes(string? left, string? right)
    {
        if (left is null || right is null)
            return string.CompareOrdinal(left, right);
        int i = 0;
        int j = 0;
        while (i < left.Length && j < right.Length)
        {
            if (char.IsAsciiDigit(left[i]) && char.IsAsciiDigit(right[j]))
            {
                int leftEnd = EndOfDigits(left, i);
                int rightEnd = EndOfDigits(right, j);
                ReadOnlySpan<char> leftDigits = left.AsSpan(i, leftEnd - i).TrimStart('0');
                ReadOnlySpan<char> rightDigits = right.AsSpan(j, rightEnd - j).TrimStart('0');
                // Without leading zeros, a longer run of digits is a larger number.
                int byValue = leftDigits.Length != rightDigits.Length
                    ? leftDigits.Length.CompareTo(rightDigits.Length)
                    : leftDigits.SequenceCompareTo(rightDigits);
                if (byValue != 0)
                    return byValue;
                i = leftEnd;
                j = rightEnd;
                continue;
            }
            if (left[i] != right[j])
                return left[i].CompareTo(right[j]);
            i++;
            j++;
        }
        int byLength = (left.Length - i).CompareTo(right.Length - j);
        // Equal by value but spelled differently ("01." and "1."): fall back to the spelling so the order is total.
        return byLength != 0 ? byLength : string.CompareOrdinal(left, right);
    }

    private static int EndOfDigits(string text, int start)
    {
        while (start < text.Length && char.IsAsciiDigit(text[start]))
            start++;
        return start;
    }
}
