using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace NetGen.Tests.Support;

/// <summary>
/// A small stand-in for Verify.SourceGenerators that follows its file conventions: the accepted
/// text lives in <c>Snapshots/{Class}.{Test}#{HintName}.verified.cs</c>; on a mismatch the new text
/// is written beside it as <c>.received.cs</c> and the test fails with a diff. To accept every
/// received file: <c>tests/accept-snapshots.sh</c> (or run the tests with NETGEN_ACCEPT_SNAPSHOTS=1).
/// Swapping in Verify later means replacing this one file.
/// </summary>
public static class SnapshotVerifier
{
    /// <summary>Compares <paramref name="actual"/> with the verified snapshot for this test and file.</summary>
    public static void Verify(string actual, string hintName, string testClass, [CallerMemberName] string testName = "", [CallerFilePath] string callerPath = "")
    {
        string directory = Path.Combine(ProjectDirectory(callerPath), "Snapshots");
        string stem = Path.Combine(directory, $"{testClass}.{testName}#{Path.GetFileNameWithoutExtension(hintName)}");
        string verifiedPath = stem + ".verified.cs";
        string receivedPath = stem + ".received.cs";
        string normalized = Scrub(actual);

        string? verified = File.Exists(verifiedPath) ? File.ReadAllText(verifiedPath).ReplaceLineEndings("\n") : null;
        if (verified == normalized)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable("NETGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, normalized);
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        File.WriteAllText(receivedPath, normalized);
        throw new XunitException(
            (verified is null ? $"No verified snapshot {verifiedPath}." : $"Generated code differs from {verifiedPath}:\n{Diff(verified, normalized)}")
            + $"\nThe new text is in {receivedPath}. If the change is intended, run tests/accept-snapshots.sh.");
    }

    /// <summary>Removes what changes with every build (the generator's version) and normalises line endings.</summary>
    private static string Scrub(string text) =>
        Regex.Replace(text.ReplaceLineEndings("\n"), "GeneratedCode\\(\"NetGen\", \"[^\"]*\"\\)", "GeneratedCode(\"NetGen\", \"{version}\")");

    private static string Diff(string verified, string received)
    {
        DiffPaneModel diff = new InlineDiffBuilder(new DiffPlex.Differ()).BuildDiffModel(verified, received);
        var text = new StringBuilder();
        int shown = 0;
        foreach (DiffPiece line in diff.Lines)
        {
            if (line.Type is ChangeType.Unchanged)
                continue;
            text.Append(line.Type == ChangeType.Inserted ? "+ " : "- ").Append(line.Position).Append(": ").AppendLine(line.Text);
            if (++shown == 60)
            {
                text.AppendLine("... (more differences)");
                break;
            }
        }
        return text.ToString();
    }

    private static string ProjectDirectory(string callerPath) =>
        Path.GetDirectoryName(Path.GetDirectoryName(callerPath))!;
}
