using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Build.Kubernetes;

/// <summary>
/// YAML converted to JSON as kubectl converts it. kubectl splits a stream into documents at every line that starts
/// with "---" (apimachinery pkg/util/yaml, YAMLReader) and hands each to sigs.k8s.io/yaml's YAMLToJSON, which decodes
/// the first YAML document in it with go-yaml v2: YAML 1.1 scalars (<see cref="Yaml11"/>), anchors and aliases,
/// merge keys, a repeated key keeping its last value (YAMLToJSON is not strict), keys turned into strings.
/// Documents with nothing in them are left out, as kubectl skips them.
/// </summary>
public static class KubectlYaml
{
    /// <summary>Values an alias may expand to before the document is refused (go-yaml v2 refuses "excessive aliasing").</summary>
    private const int MaxAliasedValues = 1_000_000;

    /// <summary>A document's value, its number in the stream (from 1) and the line its value starts on.</summary>
    public sealed record Document(int Number, int Line, JsonNode Value);

    /// <summary>The documents of a YAML stream; <paramref name="firstLine"/> and <paramref name="firstNumber"/> place it in a file.</summary>
    public static List<Document> Read(string text, int firstLine = 1, int firstNumber = 1)
    {
        var documents = new List<Document>();
        foreach (var (number, line, chunk) in Split(text, firstLine, firstNumber))
        {
            if (new DocumentReader(number, line - 1).Read(chunk) is { } document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    /// <summary>
    /// kubectl's document split: a line starting with "---" ends a document when only spaces or a comment follow
    /// (anything else is an error), and separators with nothing between them make no empty document.
    /// </summary>
    private static List<(int Number, int Line, string Text)> Split(string text, int firstLine, int firstNumber)
    {
        var chunks = new List<(int, int, string)>();
        var lines = text.Split('\n');
        var count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        var buffer = new StringBuilder();
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            if (line.StartsWith("---", StringComparison.Ordinal))
            {
                var rest = line[3..].Trim();
                if (rest.Length > 0 && rest[0] != '#')
                {
                    throw new ManifestDocumentException(firstNumber + chunks.Count + (buffer.Length > 0 ? 1 : 0), firstLine + i,
                        $"\"{line}\" is not a document separator kubectl accepts (only a comment may follow ---)");
                }

                if (buffer.Length > 0)
                {
                    chunks.Add((firstNumber + chunks.Count, firstLine + start, buffer.ToString()));
                    buffer.Clear();
                }

                continue;
            }

            if (buffer.Length == 0)
            {
                start = i;
            }

            buffer.Append(line).Append('\n');
        }

        if (buffer.Length > 0)
        {
            chunks.Add((firstNumber + chunks.Count, firstLine + start, buffer.ToString()));
        }

        return chunks;
    }

    private abstract class Node(int line)
    {
        public int Line { get; } = line;
    }

    private sealed class ScalarNode(string text, string? tag, bool plain, int line) : Node(line)
    {
        public string Text { get; } = text;

        /// <summary>The explicit tag (<c>!!int</c> as <c>tag:yaml.org,2002:int</c>), or null.</summary>
        public string? Tag { get; } = tag;

        /// <summary>Unquoted, so typed by the YAML 1.1 rules when it has no tag.</summary>
        public bool Plain { get; } = plain;
    }

    private sealed class SequenceNode(int line) : Node(line)
    {
        public List<Node> Items { get; } = [];
    }

    private sealed class MappingNode(int line) : Node(line)
    {
        public List<(Node Key, Node Value)> Pairs { get; } = [];
    }

    private sealed class AliasNode(string name, Node target, int line) : Node(line)
    {
        public string Name { get; } = name;

        public Node Target { get; } = target;
    }

    /// <summary>Reads one document: YamlDotNet's parser for the syntax, go-yaml v2's decoder rules for the values.</summary>
    private sealed class DocumentReader(int number, int lineOffset)
    {
        private readonly Dictionary<string, Node> _anchors = [];
        private readonly HashSet<AliasNode> _expanding = [];
        private int _aliasedValues;

        public Document? Read(string text)
        {
            Node root;
            try
            {
                var parser = new Parser(new StringReader(text));
                parser.Consume<StreamStart>();
                if (parser.Accept<StreamEnd>(out _))
                {
                    return null;
                }

                // Like go-yaml's Unmarshal, only the first document (a "..." marker could end it early) counts.
                parser.Consume<DocumentStart>();
                root = ReadNode(parser);
                parser.Consume<DocumentEnd>();
            }
            catch (YamlException exception)
            {
                throw new ManifestDocumentException(number, lineOffset + (int)exception.Start.Line,
                    exception.Message.ReplaceLineEndings(" ").TrimEnd('.'));
            }

            return Value(root) is { } value ? new Document(number, root.Line, value) : null;
        }

        private Node ReadNode(IParser parser)
        {
            var current = parser.Current ?? throw new UnreachableException("The parser ended inside a document.");
            var line = lineOffset + (int)current.Start.Line;
            parser.MoveNext();
            switch (current)
            {
                case AnchorAlias alias:
                    return _anchors.TryGetValue(alias.Value.Value, out var target)
                        ? new AliasNode(alias.Value.Value, target, line)
                        : throw Problem(line, $"unknown anchor '{alias.Value.Value}' referenced");
                case Scalar scalar:
                    return Anchored(scalar.Anchor, new ScalarNode(scalar.Value, scalar.Tag.IsEmpty ? null : scalar.Tag.Value, scalar.Style == ScalarStyle.Plain, line));
                case SequenceStart start:
                    var sequence = Anchored(start.Anchor, new SequenceNode(line));
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        sequence.Items.Add(ReadNode(parser));
                    }

                    return sequence;
                case MappingStart start:
                    var mapping = Anchored(start.Anchor, new MappingNode(line));
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var key = ReadNode(parser);
                        mapping.Pairs.Add((key, ReadNode(parser)));
                    }

                    return mapping;
                default:
                    throw new UnreachableException($"Unexpected YAML event {current}.");
            }
        }

        /// <summary>Registers the anchor before the node's children are read, as go-yaml does, so a node can refer to itself (an error later).</summary>
        private T Anchored<T>(AnchorName anchor, T node)
            where T : Node
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = node;
            }

            return node;
        }

        private JsonNode? Value(Node node)
        {
            if (_expanding.Count > 0 && ++_aliasedValues > MaxAliasedValues)
            {
                throw Problem(node.Line, $"aliases expand to more than {MaxAliasedValues:N0} values (go-yaml refuses excessive aliasing)");
            }

            return node switch
            {
                AliasNode alias => Expand(alias, Value),
                ScalarNode scalar => Resolve(scalar) switch
                {
                    null => null,
                    bool flag => JsonValue.Create(flag),
                    long integer => JsonValue.Create(integer),
                    ulong integer => JsonValue.Create(integer),
                    double real when double.IsFinite(real) => JsonValue.Create(real),
                    double => throw Problem(scalar.Line, $"{scalar.Text} is a YAML number JSON cannot hold; quote it if it is text"),
                    var text => JsonValue.Create((string)text),
                },
                SequenceNode sequence => new JsonArray(sequence.Items.Select(Value).ToArray()),
                MappingNode mapping => Merge(new JsonObject(), mapping),
                _ => throw new UnreachableException(),
            };
        }

        private object? Resolve(ScalarNode scalar)
        {
            if (scalar.Tag is null)
            {
                return scalar.Plain ? Yaml11.Plain(scalar.Text) : scalar.Text;
            }

            var value = Yaml11.Tagged(scalar.Tag, scalar.Text, out var problem);
            return problem is null ? value : throw Problem(scalar.Line, problem);
        }

        /// <summary>
        /// Decodes a mapping into <paramref name="into"/> in order, as go-yaml v2 does: a repeated key overwrites, and
        /// a merge key (<c>&lt;&lt;: *base</c>) decodes the merged mapping into the same object at that point, so keys
        /// before it are overwritten by the merged ones and keys after it win.
        /// </summary>
        private JsonObject Merge(JsonObject into, MappingNode mapping)
        {
            foreach (var (key, value) in mapping.Pairs)
            {
                if (key is ScalarNode { Text: "<<" } merge && (merge.Tag is null ? merge.Plain : merge.Tag == Yaml11.MergeTag))
                {
                    MergeValue(into, value);
                }
                else
                {
                    into[Key(key)] = Value(value);
                }
            }

            return into;
        }

        /// <summary>A merge key's value: a mapping, an alias of one, or a sequence of those where the earlier ones win.</summary>
        private void MergeValue(JsonObject into, Node value)
        {
            var sources = value is SequenceNode sequence ? Enumerable.Reverse(sequence.Items) : [value];
            if (value is SequenceNode && sources.Any(s => s is not (MappingNode or AliasNode { Target: MappingNode })))
            {
                throw Problem(value.Line, "map merge requires map or sequence of maps as the value");
            }

            foreach (var source in sources)
            {
                switch (source)
                {
                    case MappingNode mapping:
                        Merge(into, mapping);
                        break;
                    case AliasNode { Target: MappingNode } alias:
                        Expand(alias, target => Merge(into, (MappingNode)target));
                        break;
                    default:
                        throw Problem(value.Line, "map merge requires map or sequence of maps as the value");
                }
            }
        }

        private string Key(Node key) => key switch
        {
            AliasNode alias => Expand(alias, Key),
            ScalarNode scalar => Yaml11.KeyName(Resolve(scalar)) ?? throw Problem(scalar.Line,
                $"the key {(scalar.Text.Length == 0 ? "(empty)" : scalar.Text)} is {(Resolve(scalar) is null ? "null" : "an integer above int64")}, " +
                "which cannot be a JSON field name; quote it"),
            _ => throw Problem(key.Line, $"a {(key is MappingNode ? "mapping" : "sequence")} cannot be a key (invalid map key)"),
        };

        private T Expand<T>(AliasNode alias, Func<Node, T> read)
        {
            if (!_expanding.Add(alias))
            {
                throw Problem(alias.Line, $"anchor '{alias.Name}' value contains itself");
            }

            try
            {
                return read(alias.Target);
            }
            finally
            {
                _expanding.Remove(alias);
            }
        }

        private ManifestDocumentException Problem(int line, string message) => new(number, line, message);
    }
}

/// <summary>A manifest document kubectl would refuse: its number in the file, the line, and what is wrong with it.</summary>
public sealed class ManifestDocumentException(int document, int line, string message) : Exception(message)
{
    public int Document { get; } = document;

    public int Line { get; } = line;
}
