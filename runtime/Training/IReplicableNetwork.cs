using System.Numerics;

namespace NetGen;

/// <summary>
/// A network that can make independent copies of itself, which lets <see cref="NetworkTraining">Fit</see> compute the
/// gradients of a batch's shards on several threads at once (see <see cref="TrainingOptions{T}.MaxDegreeOfParallelism"/>).
/// </summary>
/// <typeparam name="T"><see cref="double"/> or <see cref="float"/>.</typeparam>
/// <remarks>
/// A generated network is a <c>partial</c> class, so it can opt in with one line in a partial declaration of its own:
/// <code>
/// partial class MnistNet : IReplicableNetwork&lt;float&gt;
/// {
///     public INetwork&lt;float&gt; CreateReplica() =&gt; new MnistNet();
/// }
/// </code>
/// A network with dropout is also an <see cref="IDropoutNetwork"/>, and so must its replicas be: Fit gives each replica
/// the trained network's dropout seed and step and the batch index of its shard's first row, so every row is dropped as
/// one unsharded call would drop it and the result does not depend on the thread count.
/// </remarks>
public interface IReplicableNetwork<T> : INetwork<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// A new network of the same shape, activations and loss, with its own <see cref="INetwork{T}.Parameters"/>,
    /// <see cref="INetwork{T}.Gradients"/> and scratch buffers, sharing no mutable state with this one. Its parameter
    /// values do not matter: Fit copies this network's parameters into it before every step.
    /// </summary>
    INetwork<T> CreateReplica();
}
