using System;

namespace NetGen;

/// <summary>
/// A saved model could not be loaded: the file is empty, truncated, corrupt, of an unknown version,
/// or describes a different network. The message says what did not match, with the expected and the
/// actual value. When this is thrown, the network's parameters are unchanged.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ModelFormatException()
        : base("The model file is not valid.")
    {
    }

    /// <summary>Creates the exception with a message saying what did not match.</summary>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the problem.</summary>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
