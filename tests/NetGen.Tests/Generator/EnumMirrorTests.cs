using System;
using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Tests.Generator;

/// <summary>
/// The generator cannot reference the runtime, so it mirrors the runtime's enums (Model/Kinds.cs).
/// The numbers are also the binary model format's codes: the mirrors must match name for name and
/// value for value.
/// </summary>
public class EnumMirrorTests
{
    [Theory]
    [InlineData(typeof(Activation), typeof(ActivationKind))]
    [InlineData(typeof(LossFunction), typeof(LossKind))]
    [InlineData(typeof(Precision), typeof(PrecisionKind))]
    [InlineData(typeof(Initializer), typeof(InitializerKind))]
    public void Generator_enum_mirrors_the_runtime_enum(Type runtime, Type mirror)
    {
        var expected = Enum.GetValues(runtime).Cast<Enum>().Select(value => (value.ToString(), Convert.ToInt32(value, null))).ToArray();
        var actual = Enum.GetValues(mirror).Cast<Enum>().Select(value => (value.ToString(), Convert.ToInt32(value, null))).ToArray();
        Assert.Equal(expected, actual);
    }
}
