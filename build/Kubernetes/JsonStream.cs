using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Build.Kubernetes;

/// <summary>
/// Splits a stream of JSON values printed one after another (what <c>kubectl get --watch -o json</c> prints,
/// each object indented over many lines) into whole values, fed line by line as the tool prints them.
/// </summary>
public sealed class JsonStream(Action<JsonNode> onValue)
{
    private readonly StringBuilder _pending = new();
    private int _depth;
    private bool _inString;
    private bool _escaped;

    public void Add(string line)
    {
        foreach (var character in line)
        {
            if (_depth == 0 && character != '{' && character != '[')
            {
                continue; // whitespace between values
            }

            _pending.Append(character);
            Track(character);
            if (_depth == 0)
            {
                Emit();
            }
        }

        if (_depth > 0)
        {
            _pending.Append('\n');
        }
    }

    private void Track(char character)
    {
        if (_inString)
        {
            if (_escaped)
            {
                _escaped = false;
            }
            else if (character == '\\')
            {
                _escaped = true;
            }
            else if (character == '"')
            {
                _inString = false;
            }

            return;
        }

        switch (character)
        {
            case '"':
                _inString = true;
                break;
            case '{' or '[':
                _depth++;
                break;
            case '}' or ']':
                _depth--;
                break;
        }
    }

    private void Emit()
    {
        var text = _pending.ToString();
        _pending.Clear();
        try
        {
            if (JsonNode.Parse(text) is { } value)
            {
                onValue(value);
            }
        }
        catch (JsonException)
        {
            // Not JSON after all (a warning kubectl printed): skip it, the next value still parses.
        }
    }
}
