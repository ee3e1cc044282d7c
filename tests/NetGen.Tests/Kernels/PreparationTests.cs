using System;
using System.Runtime.Intrinsics;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Fit's first worker compiles a training step's kernels ahead of the caller by calling each with nothing to do
/// (<see cref="NetGen.Kernels.PrepareTrainingStep{T}"/>): null references, no rows, columns or samples. Every such call
/// must return without touching memory (a read or write through a null reference would throw) and without failing an
/// argument check, at every vector width and in both precisions.
/// </summary>
public class PreparationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Preparing_the_training_step_at_every_width_touches_no_memory(bool streams)
    {
        Assert.Null(Record.Exception(() => PrepareEveryWidth<float>(streams)));
        Assert.Null(Record.Exception(() => PrepareEveryWidth<double>(streams)));
    }

    private static void PrepareEveryWidth<T>(bool streams)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        KernelsAt<T, Vector512<T>, Width512<T>, Vector256<T>, Width256<T>>.PrepareTrainingStep(streams);
        KernelsAt<T, Vector256<T>, Width256<T>, Vector128<T>, Width128<T>>.PrepareTrainingStep(streams);
        KernelsAt<T, Vector128<T>, Width128<T>, Vector128<T>, Width128<T>>.PrepareTrainingStep(streams);
        KernelsAt<T, T, ScalarWidth<T>, T, ScalarWidth<T>>.PrepareTrainingStep(streams);
    }
}
