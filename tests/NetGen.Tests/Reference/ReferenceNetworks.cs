// Written by Reference/make_reference_networks.py from the reference cases; do not edit by hand.
using NetGen;

namespace NetGen.Tests.Reference;

public static partial class Unrolled
{
    [Network(3, 5, 2, Activations = new[] { Activation.GELU, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_extended_0 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.GELU, Activation.Tanh, Activation.GELU }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_extended_1 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.Softplus, Activation.Tanh, Activation.Softplus }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_extended_10 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.Softplus, Activation.Softplus }, Loss = LossFunction.Huber)]
    public partial class Case_extended_11 { }

    [Network(2, 3, 1, Activations = new[] { Activation.Softplus, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_extended_12 { }

    [Network(3, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.L1)]
    public partial class Case_extended_13 { }

    [Network(5, 8, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.L1)]
    public partial class Case_extended_14 { }

    [Network(2, 6, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.GELU, Activation.Sigmoid }, Loss = LossFunction.L1)]
    public partial class Case_extended_15 { }

    [Network(3, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.Huber)]
    public partial class Case_extended_16 { }

    [Network(5, 8, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.Huber)]
    public partial class Case_extended_17 { }

    [Network(2, 6, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.GELU, Activation.Sigmoid }, Loss = LossFunction.Huber)]
    public partial class Case_extended_18 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.GELU, Activation.GELU }, Loss = LossFunction.Huber)]
    public partial class Case_extended_2 { }

    [Network(3, 5, 2, Activations = new[] { Activation.SiLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_extended_3 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.SiLU, Activation.Tanh, Activation.SiLU }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_extended_4 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.SiLU, Activation.SiLU }, Loss = LossFunction.Huber)]
    public partial class Case_extended_5 { }

    [Network(3, 5, 2, Activations = new[] { Activation.ELU, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_extended_6 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.ELU, Activation.Tanh, Activation.ELU }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_extended_7 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.ELU }, Loss = LossFunction.Huber)]
    public partial class Case_extended_8 { }

    [Network(3, 5, 2, Activations = new[] { Activation.Softplus, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_extended_9 { }

    [Network(8, 7, 3, 2, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1000 { }

    [Network(2, 9, 7, 4, 2, Activations = new[] { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Tanh }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1001 { }

    [Network(2, 3, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1002 { }

    [Network(6, 5, 2, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1003 { }

    [Network(4, 5, 2, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1004 { }

    [Network(4, 1, 2, 5, 4, Activations = new[] { Activation.Tanh, Activation.Identity, Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1005 { }

    [Network(2, 1, 2, Activations = new[] { Activation.LeakyReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1006 { }

    [Network(3, 9, 1, 1, 5, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_random_1007 { }

    [Network(2, 2, 2, Activations = new[] { Activation.Identity, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1008 { }

    [Network(8, 3, 3, Activations = new[] { Activation.ReLU, Activation.Tanh }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_random_1009 { }

    [Network(1, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_random_1010 { }

    [Network(7, 1, 1, 4, Activations = new[] { Activation.LeakyReLU, Activation.LeakyReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1011 { }

    [Network(2, 5, 9, 5, 3, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1012 { }

    [Network(5, 7, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1013 { }

    [Network(8, 4, 4, 1, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1014 { }

    [Network(8, 3, 3, 4, Activations = new[] { Activation.LeakyReLU, Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1015 { }

    [Network(2, 8, 4, 4, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1016 { }

    [Network(5, 5, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1017 { }

    [Network(2, 3, 2, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1018 { }

    [Network(7, 5, 5, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1019 { }

    [Network(8, 6, 3, Activations = new[] { Activation.Sigmoid, Activation.Tanh }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_random_1020 { }

    [Network(2, 6, 8, 1, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Tanh }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1021 { }

    [Network(6, 7, 4, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1022 { }

    [Network(4, 5, 9, 4, Activations = new[] { Activation.Identity, Activation.Identity, Activation.Tanh }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_random_1023 { }

    [Network(2, 1, 5, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_random_1024 { }

    [Network(1, 6, 9, 2, Activations = new[] { Activation.Sigmoid, Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_random_1025 { }

    [Network(2, 6, 2, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1026 { }

    [Network(4, 7, 1, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError)]
    public partial class Case_random_1027 { }

    [Network(2, 6, 2, 7, 2, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1028 { }

    [Network(6, 5, 2, 2, Activations = new[] { Activation.Tanh, Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1029 { }

    [Network(2, 2, 1, 1, Activations = new[] { Activation.Sigmoid, Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1030 { }

    [Network(1, 6, 2, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1031 { }

    [Network(3, 9, 1, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1032 { }

    [Network(8, 9, 2, 3, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1033 { }

    [Network(8, 8, 9, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1034 { }

    [Network(4, 7, 8, 4, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid, Activation.LeakyReLU, Activation.Tanh }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1035 { }

    [Network(4, 6, 1, Activations = new[] { Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1036 { }

    [Network(6, 4, 3, 2, 5, Activations = new[] { Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy)]
    public partial class Case_random_1037 { }

    [Network(8, 4, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_random_1038 { }

    [Network(1, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_random_1039 { }

    [Network(2, 2, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_seed_2_2_2 { }

    [Network(3, 4, 1, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy)]
    public partial class Case_seed_3_4_1_relu_bce { }

    [Network(4, 3, 1, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError)]
    public partial class Case_seed_4_3_1_fullbatch { }
}

public static partial class Looped
{
    [Network(3, 5, 2, Activations = new[] { Activation.GELU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_0 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.GELU, Activation.Tanh, Activation.GELU }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_1 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.Softplus, Activation.Tanh, Activation.Softplus }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_10 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.Softplus, Activation.Softplus }, Loss = LossFunction.Huber, MaxUnrolledWeights = 0)]
    public partial class Case_extended_11 { }

    [Network(2, 3, 1, Activations = new[] { Activation.Softplus, Activation.Identity }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_12 { }

    [Network(3, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.L1, MaxUnrolledWeights = 0)]
    public partial class Case_extended_13 { }

    [Network(5, 8, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.L1, MaxUnrolledWeights = 0)]
    public partial class Case_extended_14 { }

    [Network(2, 6, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.GELU, Activation.Sigmoid }, Loss = LossFunction.L1, MaxUnrolledWeights = 0)]
    public partial class Case_extended_15 { }

    [Network(3, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.Huber, MaxUnrolledWeights = 0)]
    public partial class Case_extended_16 { }

    [Network(5, 8, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.Huber, MaxUnrolledWeights = 0)]
    public partial class Case_extended_17 { }

    [Network(2, 6, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.GELU, Activation.Sigmoid }, Loss = LossFunction.Huber, MaxUnrolledWeights = 0)]
    public partial class Case_extended_18 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.GELU, Activation.GELU }, Loss = LossFunction.Huber, MaxUnrolledWeights = 0)]
    public partial class Case_extended_2 { }

    [Network(3, 5, 2, Activations = new[] { Activation.SiLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_3 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.SiLU, Activation.Tanh, Activation.SiLU }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_4 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.SiLU, Activation.SiLU }, Loss = LossFunction.Huber, MaxUnrolledWeights = 0)]
    public partial class Case_extended_5 { }

    [Network(3, 5, 2, Activations = new[] { Activation.ELU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_6 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.ELU, Activation.Tanh, Activation.ELU }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_7 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.ELU }, Loss = LossFunction.Huber, MaxUnrolledWeights = 0)]
    public partial class Case_extended_8 { }

    [Network(3, 5, 2, Activations = new[] { Activation.Softplus, Activation.Identity }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_extended_9 { }

    [Network(8, 7, 3, 2, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1000 { }

    [Network(2, 9, 7, 4, 2, Activations = new[] { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Tanh }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1001 { }

    [Network(2, 3, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1002 { }

    [Network(6, 5, 2, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1003 { }

    [Network(4, 5, 2, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1004 { }

    [Network(4, 1, 2, 5, 4, Activations = new[] { Activation.Tanh, Activation.Identity, Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1005 { }

    [Network(2, 1, 2, Activations = new[] { Activation.LeakyReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1006 { }

    [Network(3, 9, 1, 1, 5, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1007 { }

    [Network(2, 2, 2, Activations = new[] { Activation.Identity, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1008 { }

    [Network(8, 3, 3, Activations = new[] { Activation.ReLU, Activation.Tanh }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1009 { }

    [Network(1, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1010 { }

    [Network(7, 1, 1, 4, Activations = new[] { Activation.LeakyReLU, Activation.LeakyReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1011 { }

    [Network(2, 5, 9, 5, 3, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1012 { }

    [Network(5, 7, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1013 { }

    [Network(8, 4, 4, 1, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1014 { }

    [Network(8, 3, 3, 4, Activations = new[] { Activation.LeakyReLU, Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1015 { }

    [Network(2, 8, 4, 4, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1016 { }

    [Network(5, 5, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1017 { }

    [Network(2, 3, 2, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1018 { }

    [Network(7, 5, 5, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1019 { }

    [Network(8, 6, 3, Activations = new[] { Activation.Sigmoid, Activation.Tanh }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1020 { }

    [Network(2, 6, 8, 1, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Tanh }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1021 { }

    [Network(6, 7, 4, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1022 { }

    [Network(4, 5, 9, 4, Activations = new[] { Activation.Identity, Activation.Identity, Activation.Tanh }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1023 { }

    [Network(2, 1, 5, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1024 { }

    [Network(1, 6, 9, 2, Activations = new[] { Activation.Sigmoid, Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1025 { }

    [Network(2, 6, 2, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1026 { }

    [Network(4, 7, 1, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1027 { }

    [Network(2, 6, 2, 7, 2, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1028 { }

    [Network(6, 5, 2, 2, Activations = new[] { Activation.Tanh, Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1029 { }

    [Network(2, 2, 1, 1, Activations = new[] { Activation.Sigmoid, Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1030 { }

    [Network(1, 6, 2, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1031 { }

    [Network(3, 9, 1, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1032 { }

    [Network(8, 9, 2, 3, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1033 { }

    [Network(8, 8, 9, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1034 { }

    [Network(4, 7, 8, 4, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid, Activation.LeakyReLU, Activation.Tanh }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1035 { }

    [Network(4, 6, 1, Activations = new[] { Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1036 { }

    [Network(6, 4, 3, 2, 5, Activations = new[] { Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1037 { }

    [Network(8, 4, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_random_1038 { }

    [Network(1, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_random_1039 { }

    [Network(2, 2, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_seed_2_2_2 { }

    [Network(3, 4, 1, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, MaxUnrolledWeights = 0)]
    public partial class Case_seed_3_4_1_relu_bce { }

    [Network(4, 3, 1, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, MaxUnrolledWeights = 0)]
    public partial class Case_seed_4_3_1_fullbatch { }
}

public static partial class Single
{
    [Network(3, 5, 2, Activations = new[] { Activation.GELU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_0 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.GELU, Activation.Tanh, Activation.GELU }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_1 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.Softplus, Activation.Tanh, Activation.Softplus }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_10 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.Softplus, Activation.Softplus }, Loss = LossFunction.Huber, Precision = Precision.Single)]
    public partial class Case_extended_11 { }

    [Network(2, 3, 1, Activations = new[] { Activation.Softplus, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_12 { }

    [Network(3, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.L1, Precision = Precision.Single)]
    public partial class Case_extended_13 { }

    [Network(5, 8, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.L1, Precision = Precision.Single)]
    public partial class Case_extended_14 { }

    [Network(2, 6, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.GELU, Activation.Sigmoid }, Loss = LossFunction.L1, Precision = Precision.Single)]
    public partial class Case_extended_15 { }

    [Network(3, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.Huber, Precision = Precision.Single)]
    public partial class Case_extended_16 { }

    [Network(5, 8, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.Huber, Precision = Precision.Single)]
    public partial class Case_extended_17 { }

    [Network(2, 6, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.GELU, Activation.Sigmoid }, Loss = LossFunction.Huber, Precision = Precision.Single)]
    public partial class Case_extended_18 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.GELU, Activation.GELU }, Loss = LossFunction.Huber, Precision = Precision.Single)]
    public partial class Case_extended_2 { }

    [Network(3, 5, 2, Activations = new[] { Activation.SiLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_3 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.SiLU, Activation.Tanh, Activation.SiLU }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_4 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.SiLU, Activation.SiLU }, Loss = LossFunction.Huber, Precision = Precision.Single)]
    public partial class Case_extended_5 { }

    [Network(3, 5, 2, Activations = new[] { Activation.ELU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_6 { }

    [Network(4, 9, 6, 3, Activations = new[] { Activation.ELU, Activation.Tanh, Activation.ELU }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_7 { }

    [Network(2, 4, 4, 2, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.ELU }, Loss = LossFunction.Huber, Precision = Precision.Single)]
    public partial class Case_extended_8 { }

    [Network(3, 5, 2, Activations = new[] { Activation.Softplus, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_extended_9 { }

    [Network(8, 7, 3, 2, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1000 { }

    [Network(2, 9, 7, 4, 2, Activations = new[] { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.Tanh }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1001 { }

    [Network(2, 3, 2, Activations = new[] { Activation.Sigmoid, Activation.Identity }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1002 { }

    [Network(6, 5, 2, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1003 { }

    [Network(4, 5, 2, Activations = new[] { Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1004 { }

    [Network(4, 1, 2, 5, 4, Activations = new[] { Activation.Tanh, Activation.Identity, Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1005 { }

    [Network(2, 1, 2, Activations = new[] { Activation.LeakyReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1006 { }

    [Network(3, 9, 1, 1, 5, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1007 { }

    [Network(2, 2, 2, Activations = new[] { Activation.Identity, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1008 { }

    [Network(8, 3, 3, Activations = new[] { Activation.ReLU, Activation.Tanh }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1009 { }

    [Network(1, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1010 { }

    [Network(7, 1, 1, 4, Activations = new[] { Activation.LeakyReLU, Activation.LeakyReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1011 { }

    [Network(2, 5, 9, 5, 3, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1012 { }

    [Network(5, 7, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1013 { }

    [Network(8, 4, 4, 1, Activations = new[] { Activation.ReLU, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1014 { }

    [Network(8, 3, 3, 4, Activations = new[] { Activation.LeakyReLU, Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1015 { }

    [Network(2, 8, 4, 4, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1016 { }

    [Network(5, 5, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1017 { }

    [Network(2, 3, 2, Activations = new[] { Activation.Tanh, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1018 { }

    [Network(7, 5, 5, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1019 { }

    [Network(8, 6, 3, Activations = new[] { Activation.Sigmoid, Activation.Tanh }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1020 { }

    [Network(2, 6, 8, 1, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Tanh }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1021 { }

    [Network(6, 7, 4, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1022 { }

    [Network(4, 5, 9, 4, Activations = new[] { Activation.Identity, Activation.Identity, Activation.Tanh }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1023 { }

    [Network(2, 1, 5, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1024 { }

    [Network(1, 6, 9, 2, Activations = new[] { Activation.Sigmoid, Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1025 { }

    [Network(2, 6, 2, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1026 { }

    [Network(4, 7, 1, Activations = new[] { Activation.Tanh, Activation.Identity }, Loss = LossFunction.MeanSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1027 { }

    [Network(2, 6, 2, 7, 2, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1028 { }

    [Network(6, 5, 2, 2, Activations = new[] { Activation.Tanh, Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1029 { }

    [Network(2, 2, 1, 1, Activations = new[] { Activation.Sigmoid, Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1030 { }

    [Network(1, 6, 2, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1031 { }

    [Network(3, 9, 1, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1032 { }

    [Network(8, 9, 2, 3, Activations = new[] { Activation.Tanh, Activation.ReLU, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1033 { }

    [Network(8, 8, 9, 4, 3, Activations = new[] { Activation.Tanh, Activation.Identity, Activation.Tanh, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1034 { }

    [Network(4, 7, 8, 4, 5, Activations = new[] { Activation.Tanh, Activation.Sigmoid, Activation.LeakyReLU, Activation.Tanh }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1035 { }

    [Network(4, 6, 1, Activations = new[] { Activation.Identity, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1036 { }

    [Network(6, 4, 3, 2, 5, Activations = new[] { Activation.LeakyReLU, Activation.Tanh, Activation.Sigmoid, Activation.Softmax }, Loss = LossFunction.CrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1037 { }

    [Network(8, 4, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_random_1038 { }

    [Network(1, 5, 4, Activations = new[] { Activation.LeakyReLU, Activation.Identity }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_random_1039 { }

    [Network(2, 2, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_seed_2_2_2 { }

    [Network(3, 4, 1, Activations = new[] { Activation.ReLU, Activation.Sigmoid }, Loss = LossFunction.BinaryCrossEntropy, Precision = Precision.Single)]
    public partial class Case_seed_3_4_1_relu_bce { }

    [Network(4, 3, 1, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Loss = LossFunction.HalfSquaredError, Precision = Precision.Single)]
    public partial class Case_seed_4_3_1_fullbatch { }
}

/// <summary>Builds the network declared for a reference case.</summary>
public static class ReferenceNetworks
{
    public static INetwork<double> CreateDouble(string caseName, bool looped) => (caseName, looped) switch
    {
        ("extended-0", false) => new Unrolled.Case_extended_0(),
        ("extended-0", true) => new Looped.Case_extended_0(),
        ("extended-1", false) => new Unrolled.Case_extended_1(),
        ("extended-1", true) => new Looped.Case_extended_1(),
        ("extended-10", false) => new Unrolled.Case_extended_10(),
        ("extended-10", true) => new Looped.Case_extended_10(),
        ("extended-11", false) => new Unrolled.Case_extended_11(),
        ("extended-11", true) => new Looped.Case_extended_11(),
        ("extended-12", false) => new Unrolled.Case_extended_12(),
        ("extended-12", true) => new Looped.Case_extended_12(),
        ("extended-13", false) => new Unrolled.Case_extended_13(),
        ("extended-13", true) => new Looped.Case_extended_13(),
        ("extended-14", false) => new Unrolled.Case_extended_14(),
        ("extended-14", true) => new Looped.Case_extended_14(),
        ("extended-15", false) => new Unrolled.Case_extended_15(),
        ("extended-15", true) => new Looped.Case_extended_15(),
        ("extended-16", false) => new Unrolled.Case_extended_16(),
        ("extended-16", true) => new Looped.Case_extended_16(),
        ("extended-17", false) => new Unrolled.Case_extended_17(),
        ("extended-17", true) => new Looped.Case_extended_17(),
        ("extended-18", false) => new Unrolled.Case_extended_18(),
        ("extended-18", true) => new Looped.Case_extended_18(),
        ("extended-2", false) => new Unrolled.Case_extended_2(),
        ("extended-2", true) => new Looped.Case_extended_2(),
        ("extended-3", false) => new Unrolled.Case_extended_3(),
        ("extended-3", true) => new Looped.Case_extended_3(),
        ("extended-4", false) => new Unrolled.Case_extended_4(),
        ("extended-4", true) => new Looped.Case_extended_4(),
        ("extended-5", false) => new Unrolled.Case_extended_5(),
        ("extended-5", true) => new Looped.Case_extended_5(),
        ("extended-6", false) => new Unrolled.Case_extended_6(),
        ("extended-6", true) => new Looped.Case_extended_6(),
        ("extended-7", false) => new Unrolled.Case_extended_7(),
        ("extended-7", true) => new Looped.Case_extended_7(),
        ("extended-8", false) => new Unrolled.Case_extended_8(),
        ("extended-8", true) => new Looped.Case_extended_8(),
        ("extended-9", false) => new Unrolled.Case_extended_9(),
        ("extended-9", true) => new Looped.Case_extended_9(),
        ("random-1000", false) => new Unrolled.Case_random_1000(),
        ("random-1000", true) => new Looped.Case_random_1000(),
        ("random-1001", false) => new Unrolled.Case_random_1001(),
        ("random-1001", true) => new Looped.Case_random_1001(),
        ("random-1002", false) => new Unrolled.Case_random_1002(),
        ("random-1002", true) => new Looped.Case_random_1002(),
        ("random-1003", false) => new Unrolled.Case_random_1003(),
        ("random-1003", true) => new Looped.Case_random_1003(),
        ("random-1004", false) => new Unrolled.Case_random_1004(),
        ("random-1004", true) => new Looped.Case_random_1004(),
        ("random-1005", false) => new Unrolled.Case_random_1005(),
        ("random-1005", true) => new Looped.Case_random_1005(),
        ("random-1006", false) => new Unrolled.Case_random_1006(),
        ("random-1006", true) => new Looped.Case_random_1006(),
        ("random-1007", false) => new Unrolled.Case_random_1007(),
        ("random-1007", true) => new Looped.Case_random_1007(),
        ("random-1008", false) => new Unrolled.Case_random_1008(),
        ("random-1008", true) => new Looped.Case_random_1008(),
        ("random-1009", false) => new Unrolled.Case_random_1009(),
        ("random-1009", true) => new Looped.Case_random_1009(),
        ("random-1010", false) => new Unrolled.Case_random_1010(),
        ("random-1010", true) => new Looped.Case_random_1010(),
        ("random-1011", false) => new Unrolled.Case_random_1011(),
        ("random-1011", true) => new Looped.Case_random_1011(),
        ("random-1012", false) => new Unrolled.Case_random_1012(),
        ("random-1012", true) => new Looped.Case_random_1012(),
        ("random-1013", false) => new Unrolled.Case_random_1013(),
        ("random-1013", true) => new Looped.Case_random_1013(),
        ("random-1014", false) => new Unrolled.Case_random_1014(),
        ("random-1014", true) => new Looped.Case_random_1014(),
        ("random-1015", false) => new Unrolled.Case_random_1015(),
        ("random-1015", true) => new Looped.Case_random_1015(),
        ("random-1016", false) => new Unrolled.Case_random_1016(),
        ("random-1016", true) => new Looped.Case_random_1016(),
        ("random-1017", false) => new Unrolled.Case_random_1017(),
        ("random-1017", true) => new Looped.Case_random_1017(),
        ("random-1018", false) => new Unrolled.Case_random_1018(),
        ("random-1018", true) => new Looped.Case_random_1018(),
        ("random-1019", false) => new Unrolled.Case_random_1019(),
        ("random-1019", true) => new Looped.Case_random_1019(),
        ("random-1020", false) => new Unrolled.Case_random_1020(),
        ("random-1020", true) => new Looped.Case_random_1020(),
        ("random-1021", false) => new Unrolled.Case_random_1021(),
        ("random-1021", true) => new Looped.Case_random_1021(),
        ("random-1022", false) => new Unrolled.Case_random_1022(),
        ("random-1022", true) => new Looped.Case_random_1022(),
        ("random-1023", false) => new Unrolled.Case_random_1023(),
        ("random-1023", true) => new Looped.Case_random_1023(),
        ("random-1024", false) => new Unrolled.Case_random_1024(),
        ("random-1024", true) => new Looped.Case_random_1024(),
        ("random-1025", false) => new Unrolled.Case_random_1025(),
        ("random-1025", true) => new Looped.Case_random_1025(),
        ("random-1026", false) => new Unrolled.Case_random_1026(),
        ("random-1026", true) => new Looped.Case_random_1026(),
        ("random-1027", false) => new Unrolled.Case_random_1027(),
        ("random-1027", true) => new Looped.Case_random_1027(),
        ("random-1028", false) => new Unrolled.Case_random_1028(),
        ("random-1028", true) => new Looped.Case_random_1028(),
        ("random-1029", false) => new Unrolled.Case_random_1029(),
        ("random-1029", true) => new Looped.Case_random_1029(),
        ("random-1030", false) => new Unrolled.Case_random_1030(),
        ("random-1030", true) => new Looped.Case_random_1030(),
        ("random-1031", false) => new Unrolled.Case_random_1031(),
        ("random-1031", true) => new Looped.Case_random_1031(),
        ("random-1032", false) => new Unrolled.Case_random_1032(),
        ("random-1032", true) => new Looped.Case_random_1032(),
        ("random-1033", false) => new Unrolled.Case_random_1033(),
        ("random-1033", true) => new Looped.Case_random_1033(),
        ("random-1034", false) => new Unrolled.Case_random_1034(),
        ("random-1034", true) => new Looped.Case_random_1034(),
        ("random-1035", false) => new Unrolled.Case_random_1035(),
        ("random-1035", true) => new Looped.Case_random_1035(),
        ("random-1036", false) => new Unrolled.Case_random_1036(),
        ("random-1036", true) => new Looped.Case_random_1036(),
        ("random-1037", false) => new Unrolled.Case_random_1037(),
        ("random-1037", true) => new Looped.Case_random_1037(),
        ("random-1038", false) => new Unrolled.Case_random_1038(),
        ("random-1038", true) => new Looped.Case_random_1038(),
        ("random-1039", false) => new Unrolled.Case_random_1039(),
        ("random-1039", true) => new Looped.Case_random_1039(),
        ("seed-2-2-2", false) => new Unrolled.Case_seed_2_2_2(),
        ("seed-2-2-2", true) => new Looped.Case_seed_2_2_2(),
        ("seed-3-4-1-relu-bce", false) => new Unrolled.Case_seed_3_4_1_relu_bce(),
        ("seed-3-4-1-relu-bce", true) => new Looped.Case_seed_3_4_1_relu_bce(),
        ("seed-4-3-1-fullbatch", false) => new Unrolled.Case_seed_4_3_1_fullbatch(),
        ("seed-4-3-1-fullbatch", true) => new Looped.Case_seed_4_3_1_fullbatch(),
        _ => throw new System.ArgumentException("No network declared for case " + caseName, nameof(caseName)),
    };

    public static INetwork<float> CreateSingle(string caseName) => caseName switch
    {
        "extended-0" => new Single.Case_extended_0(),
        "extended-1" => new Single.Case_extended_1(),
        "extended-10" => new Single.Case_extended_10(),
        "extended-11" => new Single.Case_extended_11(),
        "extended-12" => new Single.Case_extended_12(),
        "extended-13" => new Single.Case_extended_13(),
        "extended-14" => new Single.Case_extended_14(),
        "extended-15" => new Single.Case_extended_15(),
        "extended-16" => new Single.Case_extended_16(),
        "extended-17" => new Single.Case_extended_17(),
        "extended-18" => new Single.Case_extended_18(),
        "extended-2" => new Single.Case_extended_2(),
        "extended-3" => new Single.Case_extended_3(),
        "extended-4" => new Single.Case_extended_4(),
        "extended-5" => new Single.Case_extended_5(),
        "extended-6" => new Single.Case_extended_6(),
        "extended-7" => new Single.Case_extended_7(),
        "extended-8" => new Single.Case_extended_8(),
        "extended-9" => new Single.Case_extended_9(),
        "random-1000" => new Single.Case_random_1000(),
        "random-1001" => new Single.Case_random_1001(),
        "random-1002" => new Single.Case_random_1002(),
        "random-1003" => new Single.Case_random_1003(),
        "random-1004" => new Single.Case_random_1004(),
        "random-1005" => new Single.Case_random_1005(),
        "random-1006" => new Single.Case_random_1006(),
        "random-1007" => new Single.Case_random_1007(),
        "random-1008" => new Single.Case_random_1008(),
        "random-1009" => new Single.Case_random_1009(),
        "random-1010" => new Single.Case_random_1010(),
        "random-1011" => new Single.Case_random_1011(),
        "random-1012" => new Single.Case_random_1012(),
        "random-1013" => new Single.Case_random_1013(),
        "random-1014" => new Single.Case_random_1014(),
        "random-1015" => new Single.Case_random_1015(),
        "random-1016" => new Single.Case_random_1016(),
        "random-1017" => new Single.Case_random_1017(),
        "random-1018" => new Single.Case_random_1018(),
        "random-1019" => new Single.Case_random_1019(),
        "random-1020" => new Single.Case_random_1020(),
        "random-1021" => new Single.Case_random_1021(),
        "random-1022" => new Single.Case_random_1022(),
        "random-1023" => new Single.Case_random_1023(),
        "random-1024" => new Single.Case_random_1024(),
        "random-1025" => new Single.Case_random_1025(),
        "random-1026" => new Single.Case_random_1026(),
        "random-1027" => new Single.Case_random_1027(),
        "random-1028" => new Single.Case_random_1028(),
        "random-1029" => new Single.Case_random_1029(),
        "random-1030" => new Single.Case_random_1030(),
        "random-1031" => new Single.Case_random_1031(),
        "random-1032" => new Single.Case_random_1032(),
        "random-1033" => new Single.Case_random_1033(),
        "random-1034" => new Single.Case_random_1034(),
        "random-1035" => new Single.Case_random_1035(),
        "random-1036" => new Single.Case_random_1036(),
        "random-1037" => new Single.Case_random_1037(),
        "random-1038" => new Single.Case_random_1038(),
        "random-1039" => new Single.Case_random_1039(),
        "seed-2-2-2" => new Single.Case_seed_2_2_2(),
        "seed-3-4-1-relu-bce" => new Single.Case_seed_3_4_1_relu_bce(),
        "seed-4-3-1-fullbatch" => new Single.Case_seed_4_3_1_fullbatch(),
        _ => throw new System.ArgumentException("No network declared for case " + caseName, nameof(caseName)),
    };
}
