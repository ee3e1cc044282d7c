using System;
using System.IO;
using NetGen;
using NetGen.Runtime.Tests.Support;

namespace NetGen.Runtime.Tests.Serialization;

/// <summary>
/// Every loader handed a PyTorch torch.save file (a zip archive, or a pickle from before PyTorch 1.6)
/// says how to export the weights instead, and one handed another NetGen format names the loader that
/// reads it. The network is unchanged.
/// </summary>
public sealed class ForeignFormatTests : IDisposable
{
    private static readonly int[] Shape = [3, 4, 2];

    // The first bytes of what torch.save writes: a zip's local file header ("archive/data.pkl" follows)...
    private static readonly byte[] TorchZip = [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    // ...and, before PyTorch 1.6, a pickle: PROTO 2, then the long magic number torch.save starts with.
    private static readonly byte[] TorchPickle = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E];

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> Loaders => new() { "Load", "LoadStateDict", "LoadSafetensors" };

    [Theory]
    [MemberData(nameof(Loaders))]
    public void A_pt_zip_file_is_rejected_with_how_to_export_it(string loader)
    {
        string path = _directory.File("model.pt");
        File.WriteAllBytes(path, TorchZip);

        var exception = AssertRejectedUnchanged(loader, path);

        Assert.Contains("zip archive, which is what torch.save writes to .pt and .pth files", exception.Message);
        AssertSaysHowToExport(exception);
    }

    [Theory]
    [MemberData(nameof(Loaders))]
    public void A_legacy_pickle_pt_file_is_rejected_with_how_to_export_it(string loader)
    {
        string path = _directory.File("model.pth");
        File.WriteAllBytes(path, TorchPickle);

        var exception = AssertRejectedUnchanged(loader, path);

        Assert.Contains("Python pickle", exception.Message);
        AssertSaysHowToExport(exception);
    }

    [Theory]
    [InlineData("Load", "SaveSafetensors", "looks like a safetensors file; load it with LoadSafetensors")]
    [InlineData("Load", "SaveStateDict", "looks like JSON; load a PyTorch state_dict JSON file with LoadStateDict")]
    [InlineData("LoadStateDict", "Save", "is a NetGen binary model; load it with Load")]
    [InlineData("LoadStateDict", "SaveSafetensors", "looks like a safetensors file; load it with LoadSafetensors")]
    [InlineData("LoadSafetensors", "Save", "is a NetGen binary model; load it with Load")]
    [InlineData("LoadSafetensors", "SaveStateDict", "looks like JSON; load a PyTorch state_dict JSON file with LoadStateDict")]
    public void A_file_of_another_NetGen_format_names_the_loader_that_reads_it(string loader, string saver, string hint)
    {
        string path = _directory.File("model.bin");
        var saved = new FakeNetwork<double>(Shape, seed: 1);
        switch (saver)
        {
            case "Save": saved.Save(path); break;
            case "SaveStateDict": saved.SaveStateDict(path); break;
            default: saved.SaveSafetensors(path); break;
        }

        var exception = AssertRejectedUnchanged(loader, path);

        Assert.Contains(hint, exception.Message);
    }

    [Fact]
    public void The_stream_overloads_give_the_same_advice()
    {
        var network = new FakeNetwork<double>(Shape, seed: 42);

        Assert.Contains("torch.save", Assert.Throws<ModelFormatException>(() => network.Load(new MemoryStream(TorchZip))).Message);
        Assert.Contains("torch.save", Assert.Throws<ModelFormatException>(() => network.LoadStateDict(new MemoryStream(TorchZip))).Message);
        Assert.Contains("torch.save", Assert.Throws<ModelFormatException>(() => network.LoadSafetensors(new MemoryStream(TorchZip))).Message);
    }

    private static void AssertSaysHowToExport(ModelFormatException exception)
    {
        Assert.Contains("safetensors.torch.save_file(model.state_dict(), \"model.safetensors\"), then LoadSafetensors", exception.Message);
        Assert.Contains("json.dump({k: v.tolist() for k, v in model.state_dict().items()}, open(\"model.json\", \"w\")), then LoadStateDict", exception.Message);
    }

    private static ModelFormatException AssertRejectedUnchanged(string loader, string path)
    {
        var exception = LoadAssert.RejectedUnchanged(Shape, network =>
        {
            switch (loader)
            {
                case "Load": network.Load(path); break;
                case "LoadStateDict": network.LoadStateDict(path); break;
                default: network.LoadSafetensors(path); break;
            }
        });

        Assert.Contains(path, exception.Message);
        return exception;
    }
}
