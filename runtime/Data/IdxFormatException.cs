using System;

namespace NetGen;

/// <summary>A file could not be read as an IDX array (the MNIST format). The message names the file and what is wrong.</summary>
public sealed class IdxFormatException : FormatException
{
    /// <summary>Creates the exception with a default message.</summary>
    public IdxFormatException()
        : base("The IDX data is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public IdxFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the problem.</summary>
    public IdxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
