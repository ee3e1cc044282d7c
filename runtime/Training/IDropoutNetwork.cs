namespace NetGen;

/// <summary>
/// A network declared with dropout (<see cref="NetworkAttribute.Dropout"/> or <see cref="NetworkAttribute.DropoutRates"/>):
/// the state its dropout masks are drawn from. The generated class implements it; <see cref="NetworkTraining">Fit</see>
/// uses it to give the replicas of data-parallel training the masks the network itself would have drawn.
/// </summary>
/// <remarks>
/// <para>
/// A mask is a pure function of (<see cref="DropoutSeed"/>, <see cref="DropoutStep"/>, the row's index in the call's batch
/// plus <see cref="DropoutFirstRow"/>, the unit): every training call (<c>Backward</c>, <c>Train</c>, <c>BackwardBatch</c>,
/// <c>TrainBatch</c>) draws its masks from the current step and then adds one to it. So the same seed gives the same masks,
/// a batch gets the same masks whether it is computed in one call or cut into shards, and Fit's result does not depend on
/// its thread count. <c>Predict</c>, <c>PredictBatch</c> and <c>Loss</c> never drop anything and never change the state.
/// </para>
/// </remarks>
public interface IDropoutNetwork
{
    /// <summary>The seed of the masks. The constructor that takes a seed derives it from that seed (the parameterless one from its fresh seed).</summary>
    ulong DropoutSeed { get; set; }

    /// <summary>The number of training calls made since the seed was set: the next call draws its masks for this step.</summary>
    ulong DropoutStep { get; set; }

    /// <summary>
    /// The batch index that the first row of the next training call's masks is drawn for (default 0). Fit sets it on a
    /// replica that computes the rows of a batch from this index on.
    /// </summary>
    int DropoutFirstRow { get; set; }
}
