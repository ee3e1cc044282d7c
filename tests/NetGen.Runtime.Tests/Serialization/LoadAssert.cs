using System;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>The check every rejection test makes: the load throws a ModelFormatException and the network keeps every parameter.</summary>
internal static class LoadAssert
{
    /// <summary>Runs <paramref name="load"/> on a fresh double network of <paramref name="shape"/>, checks it throws and leaves every parameter as it was, and returns the exception.</summary>
    public static ModelFormatException RejectedUnchanged(int[] shape, Action<FakeNetwork<double>> load)
    {
        var network = new FakeNetwork<double>(shape, seed: 42);
        double[] before = network.Snapshot();

        var exception = Assert.Throws<ModelFormatException>(() => load(network));

        Assert.Equal(before, network.Snapshot());
        return exception;
    }
}
