using System;
using System.IO;
using System.Linq;
using System.Numerics;
using CsCheck;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>
/// Save/load round trips as properties over random shapes and parameter values (CsCheck): random
/// layer sizes, both precisions, every finite bit pattern (negative zero, subnormals, the extremes),
/// and NaN and infinities, which no format may save. On a failure CsCheck shrinks the case to a smallest one and prints it with the seed that
/// reproduces it (<c>CsCheck_Seed=... dotnet test --filter SerializationProperties</c>).
/// </summary>
public sealed class SerializationProperties
{
    /// <summary>Two to five layers of one to seven units: every code path of the formats, small enough to shrink fast.</summary>
    private static readonly Gen<int[]> Shapes = Gen.Int[1, 7].Array[2, 5];

    /// <summary>A shape and a full set of parameters for it, drawn from <paramref name="values"/>.</summary>
    private static Gen<(int[] Shape, T[] Parameters)> Networks<T>(Gen<T> values) =>
        from shape in Shapes
        from parameters in values.Array[ParameterCount(shape)]
        select (shape, parameters);

    [Fact]
    public void Binary_save_then_load_restores_any_finite_double_parameters_bit_for_bit() =>
        Networks(Gen.Double.Special.Where(double.IsFinite)).Sample(case_ => AssertBinaryRoundTrip(case_.Shape, case_.Parameters));

    [Fact]
    public void Binary_save_then_load_restores_any_finite_float_parameters_bit_for_bit() =>
        Networks(Gen.Float.Special.Where(float.IsFinite)).Sample(case_ => AssertBinaryRoundTrip(case_.Shape, case_.Parameters));

    [Fact]
    public void Saving_a_NaN_or_infinity_anywhere_throws_naming_it_and_writes_nothing() =>
        Gen.Select(Networks(Gen.Double.Special.Where(double.IsFinite)), Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity), Gen.Int.Positive)
            .Sample((network, bad, position) =>
            {
                var saved = new FakeNetwork<double>(network.Shape, seed: 1);
                network.Parameters.CopyTo(saved.Parameters);
                int index = position % saved.ParameterCount;
                saved.Parameters[index] = bad;
                using var stream = new MemoryStream();

                var exception = Assert.Throws<InvalidOperationException>(() => saved.Save(stream));
                Assert.Contains($"Parameter {index} ", exception.Message, StringComparison.Ordinal);
                Assert.Throws<InvalidOperationException>(() => saved.SaveStateDict(stream));
                Assert.Equal(0, stream.Length);
            });

    [Fact]
    public void State_dict_save_then_load_restores_any_finite_double_parameters_exactly() =>
        Networks(Gen.Double.Special.Where(double.IsFinite)).Sample(case_ => AssertStateDictRoundTrip(case_.Shape, case_.Parameters));

    [Fact]
    public void State_dict_save_then_load_restores_any_finite_float_parameters_exactly() =>
        Networks(Gen.Float.Special.Where(float.IsFinite)).Sample(case_ => AssertStateDictRoundTrip(case_.Shape, case_.Parameters));

    [Fact]
    public void A_model_of_another_shape_is_rejected_and_leaves_the_network_unchanged() =>
        Gen.Select(Shapes, Shapes).Where(pair => !pair.Item1.SequenceEqual(pair.Item2)).Sample((savedShape, loadingShape) =>
        {
            var saved = new FakeNetwork<double>(savedShape, seed: 1);
            var binary = new MemoryStream();
            saved.Save(binary);
            string json = saved.ToStateDictJson();

            var loading = new FakeNetwork<double>(loadingShape, seed: 2);
            double[] before = loading.Snapshot();
            binary.Position = 0;
            Assert.Throws<ModelFormatException>(() => loading.Load(binary));
            Assert.Throws<ModelFormatException>(() => loading.LoadStateDictJson(json));
            Assert.Equal(before, loading.Snapshot());
        });

    private static void AssertBinaryRoundTrip<T>(int[] shape, T[] parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var saved = new FakeNetwork<T>(shape, seed: 1);
        parameters.CopyTo(saved.Parameters);
        using var stream = new MemoryStream();
        saved.Save(stream);

        var loaded = new FakeNetwork<T>(shape, seed: 2);
        stream.Position = 0;
        loaded.Load(stream);

        // Bits, not values: NaN != NaN, and 0 == -0 would hide a lost sign.
        Assert.Equal(Bits(parameters), Bits(loaded.Snapshot()));
        Assert.Equal(stream.Length, stream.Position);
    }

    private static void AssertStateDictRoundTrip<T>(int[] shape, T[] parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var saved = new FakeNetwork<T>(shape, seed: 1);
        parameters.CopyTo(saved.Parameters);
        string json = saved.ToStateDictJson();

        var loaded = new FakeNetwork<T>(shape, seed: 2);
        loaded.LoadStateDictJson(json);

        Assert.Equal(Bits(parameters), Bits(loaded.Snapshot()));
    }

    private static long[] Bits<T>(T[] values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        values.Select(value => typeof(T) == typeof(double)
            ? BitConverter.DoubleToInt64Bits(double.CreateTruncating(value))
            : BitConverter.SingleToInt32Bits(float.CreateTruncating(value))).ToArray();

    private static int ParameterCount(int[] shape)
    {
        int count = 0;
        for (int layer = 0; layer + 1 < shape.Length; layer++)
            count += shape[layer] * shape[layer + 1] + shape[layer + 1];
        return count;
    }
}
