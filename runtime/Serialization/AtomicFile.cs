using System;
using System.IO;

namespace NetGen;

/// <summary>
/// Replaces a file so that readers, and a crash at any moment, see either the old file or the new
/// one whole: the content goes to a temporary file in the same directory (so the final rename never
/// crosses a volume and stays atomic), is flushed to disk, and only then renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>. On any exception the temporary
    /// file is deleted, the previous file at <paramref name="path"/> is left as it was, and the
    /// exception propagates.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="wrapStream">
    /// A seam for tests: wraps the temporary file's stream (for example in one that fails part-way)
    /// before <paramref name="write"/> sees it. Null in production.
    /// </param>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrapStream = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);

        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        // Checked here so that the error names the caller's path, not the temporary file's.
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot save '{path}': its directory '{directory}' does not exist.");
        // A dot-prefixed, unique name: hidden on Unix, never collides with a concurrent save, and
        // easy to recognise as ours if a power cut leaves one behind.
        string temporaryPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

        bool replaced = false;
        try
        {
            using (var file = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024))
            {
                Stream target = wrapStream is null ? file : wrapStream(file);
                write(target);
                target.Flush();
                // Without this the rename can reach the disk before the data does, and a power cut
                // would leave a complete-looking but empty or partial file under the real name.
                file.Flush(flushToDisk: true);
            }
            File.Move(temporaryPath, fullPath, overwrite: true);
            replaced = true;
        }
        finally
        {
            if (!replaced)
                TryDelete(temporaryPath);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original exception matters more than a temporary file we could not remove.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
