using System;
using System.IO;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>Saving to a path replaces the file whole or not at all.</summary>
public sealed class AtomicSaveTests : IDisposable
{
    private static readonly int[] Shape = [3, 4, 2];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(100)]
    public void Binary_save_interrupted_by_a_failing_stream_leaves_the_previous_file_byte_identical_and_no_temporary_file(long failAfterBytes)
    {
        string path = _directory.File("model.ngm");
        new FakeNetwork<double>(Shape, seed: 1).Save(path);
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() =>
            NetworkSerialization.Save(new FakeNetwork<double>(Shape, seed: 2), path, info: null, file => new FailingStream(file, failAfterBytes)));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.ngm"], _directory.FileNames());
    }

    [Fact]
    public void State_dict_save_interrupted_by_a_failing_stream_leaves_the_previous_file_byte_identical_and_no_temporary_file()
    {
        string path = _directory.File("model.json");
        new FakeNetwork<double>(Shape, seed: 1).SaveStateDict(path);
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() =>
            NetworkSerialization.SaveStateDict(new FakeNetwork<double>(Shape, seed: 2), path, file => new FailingStream(file, 50)));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.json"], _directory.FileNames());
    }

    [Fact]
    public void Interrupted_save_without_a_previous_file_leaves_the_directory_empty()
    {
        string path = _directory.File("model.ngm");

        Assert.Throws<IOException>(() =>
            NetworkSerialization.Save(new FakeNetwork<double>(Shape), path, info: null, file => new FailingStream(file, 40)));

        Assert.Empty(_directory.FileNames());
    }

    [Fact]
    public void Previous_file_still_loads_after_an_interrupted_save()
    {
        string path = _directory.File("model.ngm");
        var original = new FakeNetwork<double>(Shape, seed: 1);
        original.Save(path);
        Assert.Throws<IOException>(() =>
            NetworkSerialization.Save(new FakeNetwork<double>(Shape, seed: 2), path, info: null, file => new FailingStream(file, 100)));

        var loaded = new FakeNetwork<double>(Shape, seed: 3);
        loaded.Load(path);

        Assert.Equal(original.Snapshot(), loaded.Snapshot());
    }

    [Fact]
    public void Successful_save_replaces_the_previous_file_and_leaves_no_temporary_file()
    {
        string path = _directory.File("model.ngm");
        new FakeNetwork<double>(Shape, seed: 1).Save(path);
        var replacement = new FakeNetwork<double>(Shape, seed: 2);

        replacement.Save(path);
        var loaded = new FakeNetwork<double>(Shape, seed: 3);
        loaded.Load(path);

        Assert.Equal(replacement.Snapshot(), loaded.Snapshot());
        Assert.Equal(["model.ngm"], _directory.FileNames());
    }

    [Fact]
    public void Save_whose_final_rename_fails_leaves_no_temporary_file()
    {
        // A directory where the file should go makes the rename, the very last step, fail.
        string path = _directory.File("taken");
        Directory.CreateDirectory(path);

        Assert.ThrowsAny<Exception>(() => new FakeNetwork<double>(Shape).Save(path));

        Assert.Empty(_directory.FileNames());
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void Save_of_a_network_with_an_infinite_parameter_leaves_the_previous_file_byte_identical()
    {
        string path = _directory.File("model.ngm");
        new FakeNetwork<double>(Shape, seed: 1).Save(path);
        byte[] before = File.ReadAllBytes(path);
        var diverged = new FakeNetwork<double>(Shape, seed: 2);
        diverged.Parameters[0] = double.PositiveInfinity;

        Assert.Throws<InvalidOperationException>(() => diverged.Save(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.ngm"], _directory.FileNames());
    }
}
