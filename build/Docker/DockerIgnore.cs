using System.Text;
using System.Text.RegularExpressions;

namespace Build.Docker;

/// <summary>
/// A build context's <c>.dockerignore</c>, read and matched as docker does (moby/patternmatcher and
/// builder/remotecontext): one pattern per line, <c>#</c> comments, surrounding spaces trimmed, a leading
/// <c>/</c> dropped, paths cleaned; <c>*</c> and <c>?</c> stay within a path segment, <c>**</c> spans any number of
/// them; a pattern that matches a directory excludes everything below it; <c>!pattern</c> re-includes; the last
/// matching pattern wins.
/// </summary>
public sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Exclusion)> _patterns;

    private DockerIgnore(IReadOnlyList<(Regex, bool)> patterns) => _patterns = patterns;

    public static DockerIgnore None { get; } = new([]);

    /// <summary>True when some pattern re-includes paths (then excluded directories must still be walked).</summary>
    public bool HasExclusions => _patterns.Any(p => p.Exclusion);

    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclusion = line.StartsWith('!');
            var pattern = Clean((exclusion ? line[1..] : line).Trim());
            if (pattern.Length > 0)
            {
                patterns.Add((Compile(pattern), exclusion));
            }
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>Reads <c>CONTEXT/.dockerignore</c>; none when it does not exist.</summary>
    public static DockerIgnore ForContext(string context)
    {
        var file = Path.Combine(context, ".dockerignore");
        return File.Exists(file) ? Parse(File.ReadAllText(file)) : None;
    }

    /// <summary>True when docker leaves <paramref name="relativePath"/> (slash-separated, relative to the context) out of the build context.</summary>
    public bool Excludes(string relativePath)
    {
        var path = Clean(relativePath);
        var parents = Parents(path).ToList();
        var excluded = false;
        foreach (var (pattern, exclusion) in _patterns)
        {
            if (exclusion != excluded)
            {
                continue; // an exclusion can only re-include what is excluded, and vice versa
            }

            if (pattern.IsMatch(path) || parents.Any(pattern.IsMatch))
            {
                excluded = !exclusion;
            }
        }

        return excluded;
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }

    /// <summary>filepath.Clean plus docker's dropping of a leading slash.</summary>
    private static string Clean(string pattern)
    {
        var parts = new List<string>();
        foreach (var part in pattern.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }

        return string.Join('/', parts);
    }

    private static Regex Compile(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                        regex.Append("(.*/)?"); // "**/" : zero or more directories
                    }
                    else
                    {
                        regex.Append(".*");
                    }

                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var set = pattern[(i + 1)..end];
                    regex.Append('[').Append(set.StartsWith('^') ? "^" + set[1..].Replace("\\", "\\\\") : set.Replace("\\", "\\\\")).Append(']');
                    i = end;
                    break;
                case '\\' when i + 1 < pattern.Length:
                    regex.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
