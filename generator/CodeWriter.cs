using System;
using System.CodeDom.Compiler;
using System.IO;

namespace NetGen.Generator;

/// <summary>An indented writer with a <c>using (Block("..."))</c> helper that closes the brace on dispose.</summary>
internal sealed class CodeWriter
{
    private readonly StringWriter _text = new() { NewLine = "\n" };
    private readonly IndentedTextWriter _writer;

    public CodeWriter() => _writer = new IndentedTextWriter(_text, "    ") { NewLine = "\n" };

    public void Line(string line = "")
    {
        if (line.Length == 0)
        {
            // IndentedTextWriter would indent an empty line; keep blank lines free of trailing spaces.
            _writer.WriteLineNoTabs("");
            return;
        }
        _writer.WriteLine(line);
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the result is disposed.</summary>
    public IDisposable Block(string header)
    {
        Line(header);
        Line("{");
        _writer.Indent++;
        return new BlockCloser(this);
    }

    public override string ToString() => _text.ToString();

    private sealed class BlockCloser : IDisposable
    {
        private readonly CodeWriter _owner;

        public BlockCloser(CodeWriter owner) => _owner = owner;

        public void Dispose()
        {
            _owner._writer.Indent--;
            _owner.Line("}");
        }
    }
}
