using System;
using System.Collections.Generic;
using System.Text;

namespace NetGen.Generator.Weights;

/// <summary>One tensor of a state_dict file: its key, its shape (nested list lengths) and its numbers as written.</summary>
internal sealed class JsonTensor
{
    public JsonTensor(string key, int[] shape, List<string> numbers, int line)
    {
        Key = key;
        Shape = shape;
        Numbers = numbers;
        Line = line;
    }

    public string Key { get; }

    /// <summary>Lengths of the nested lists, outermost first: [rows, columns] for a weight, [length] for a bias.</summary>
    public int[] Shape { get; }

    /// <summary>The numbers in row-major order, as their JSON text (so the compiler, not this reader, rounds them).</summary>
    public List<string> Numbers { get; }

    /// <summary>1-based line of the key, for messages.</summary>
    public int Line { get; }
}

/// <summary>A state_dict file that is not what the reader expects; the message says where and what.</summary>
internal sealed class StateDictJsonException : Exception
{
    public StateDictJsonException(string message, bool notFinite = false, bool notRectangular = false)
        : base(message)
    {
        NotFinite = notFinite;
        NotRectangular = notRectangular;
    }

    /// <summary>The file is JSON-like but holds NaN or Infinity (Python's json.dump writes them), not a syntax error.</summary>
    public bool NotFinite { get; }

    /// <summary>A tensor's rows differ in length: valid JSON whose shape cannot be a network's.</summary>
    public bool NotRectangular { get; }
}

/// <summary>
/// Reads the PyTorch state_dict JSON that <c>LoadStateDict</c> reads: one object whose values are
/// numbers nested in rectangular lists (comments allowed, as there). The generator runs inside the
/// compiler and cannot take System.Text.Json with it, so this small reader does the one job; it keeps
/// each number's text, and the C# compiler, which rounds literals correctly on every host, turns it
/// into a double or float exactly as the runtime's parser would.
/// </summary>
internal sealed class StateDictJson
{
    private readonly string _text;
    private int _position;

    private StateDictJson(string text) => _text = text;

    /// <summary>The tensors in file order; throws <see cref="StateDictJsonException"/> for anything else.</summary>
    public static List<JsonTensor> Read(string text)
    {
        var reader = new StateDictJson(text);
        if (text.Length > 0 && text[0] == '\uFEFF')
            reader._position = 1;
        return reader.ReadDocument();
    }

    private List<JsonTensor> ReadDocument()
    {
        var tensors = new List<JsonTensor>();
        SkipSpace();
        if (_position == _text.Length)
            throw Error("the file is empty; expected a JSON object such as {\"0.weight\": [[...]], \"0.bias\": [...]}");
        Expect('{', "a JSON object of tensors");
        SkipSpace();
        if (Peek() == '}')
        {
            _position++;
        }
        else
        {
            while (true)
            {
                SkipSpace();
                int line = Line();
                string key = ReadString();
                SkipSpace();
                Expect(':', "':' after the key \"" + key + "\"");
                SkipSpace();
                var numbers = new List<string>();
                int[] shape = ReadTensor(key, numbers);
                tensors.Add(new JsonTensor(key, shape, numbers, line));
                SkipSpace();
                if (Peek() == ',')
                {
                    _position++;
                    continue;
                }
                Expect('}', "',' or '}' after the tensor \"" + key + "\"");
                break;
            }
        }
        SkipSpace();
        if (_position != _text.Length)
            throw Error("unexpected text after the closing '}'");
        return tensors;
    }

    /// <summary>A number, or a rectangular list of lists of numbers; returns its shape.</summary>
    private int[] ReadTensor(string key, List<string> numbers)
    {
        if (Peek() != '[')
        {
            foreach (string special in new[] { "NaN", "Infinity", "-Infinity" })
            {
                if (string.CompareOrdinal(_text, _position, special, 0, special.Length) == 0)
                    throw new StateDictJsonException("line " + Line() + ": \"" + key + "\" holds " + special + ", which is not a finite number", notFinite: true);
            }
            if (Peek() == '"' || char.IsLetter(Peek()))
                throw Error("\"" + key + "\" holds " + Describe() + "; expected a list of numbers");
            numbers.Add(ReadNumber(key));
            return Array.Empty<int>();
        }
        _position++;
        SkipSpace();
        var count = 0;
        int[]? inner = null;
        if (Peek() == ']')
        {
            _position++;
            return new[] { 0 };
        }
        while (true)
        {
            SkipSpace();
            int[] shape = ReadTensor(key, numbers);
            if (inner is null)
                inner = shape;
            else if (!SameShape(inner, shape))
                throw new StateDictJsonException("line " + Line() + ": \"" + key + "\" is not rectangular: its element " + count + " has shape [" + string.Join(", ", shape) + "], the first has [" + string.Join(", ", inner) + "]", notRectangular: true);
            count++;
            SkipSpace();
            if (Peek() == ',')
            {
                _position++;
                continue;
            }
            Expect(']', "',' or ']' in \"" + key + "\"");
            break;
        }
        var result = new int[inner!.Length + 1];
        result[0] = count;
        Array.Copy(inner, 0, result, 1, inner.Length);
        return result;
    }

    private static bool SameShape(int[] a, int[] b)
    {
        if (a.Length != b.Length)
            return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }

    /// <summary>JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?</summary>
    private string ReadNumber(string key)
    {
        int start = _position;
        if (Peek() == '-')
            _position++;
        if (Peek() == '0')
            _position++;
        else if (!Digits())
            throw Error("\"" + key + "\" holds " + Describe() + "; expected a number");
        if (Peek() == '.')
        {
            _position++;
            if (!Digits())
                throw Error("a number in \"" + key + "\" has no digits after its '.'");
        }
        if (Peek() is 'e' or 'E')
        {
            _position++;
            if (Peek() is '+' or '-')
                _position++;
            if (!Digits())
                throw Error("a number in \"" + key + "\" has no digits in its exponent");
        }
        return _text.Substring(start, _position - start);
    }

    private bool Digits()
    {
        int start = _position;
        while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
            _position++;
        return _position > start;
    }

    private string ReadString()
    {
        if (Peek() != '"')
            throw Error("expected a key in double quotes, found " + Describe());
        _position++;
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
                throw Error("a key is not closed by '\"'");
            char c = _text[_position++];
            if (c == '"')
                return value.ToString();
            if (c < ' ')
                throw Error("a key holds a control character; escape it");
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            char escape = _position < _text.Length ? _text[_position++] : '\0';
            switch (escape)
            {
                case '"': value.Append('"'); break;
                case '\\': value.Append('\\'); break;
                case '/': value.Append('/'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'u':
                    if (_position + 4 > _text.Length || !ushort.TryParse(_text.Substring(_position, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out ushort code))
                        throw Error("a key has a malformed \\u escape");
                    char unit = (char)code;
                    _position += 4;
                    // A surrogate must come in a pair, as System.Text.Json requires.
                    if (char.IsHighSurrogate(unit) && _position + 6 <= _text.Length && _text[_position] == '\\' && _text[_position + 1] == 'u'
                        && ushort.TryParse(_text.Substring(_position + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out ushort low)
                        && char.IsLowSurrogate((char)low))
                    {
                        value.Append(unit).Append((char)low);
                        _position += 6;
                    }
                    else if (char.IsSurrogate(unit))
                    {
                        throw Error("a key has a lone surrogate escape \\u" + code.ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        value.Append(unit);
                    }
                    break;
                default:
                    throw Error("a key has an invalid escape '\\" + escape + "'");
            }
        }
    }

    private void SkipSpace()
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '/')
            {
                while (_position < _text.Length && _text[_position] != '\n')
                    _position++;
            }
            else if (c == '/' && _position + 1 < _text.Length && _text[_position + 1] == '*')
            {
                int end = _text.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                if (end < 0)
                    throw Error("a /* comment is not closed");
                _position = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void Expect(char c, string what)
    {
        if (Peek() != c)
            throw Error("expected " + what + ", found " + Describe());
        _position++;
    }

    private string Describe()
    {
        if (_position >= _text.Length)
            return "the end of the file";
        char c = _text[_position];
        return c switch
        {
            '"' => "a string",
            't' or 'f' => "true/false",
            'n' => "null",
            _ => "'" + c + "'",
        };
    }

    private int Line()
    {
        int line = 1;
        for (int i = 0; i < _position && i < _text.Length; i++)
        {
            if (_text[i] == '\n')
                line++;
        }
        return line;
    }

    private StateDictJsonException Error(string message) => new("line " + Line() + ": " + message);
}
