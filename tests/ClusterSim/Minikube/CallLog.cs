using System.Text.Json.Nodes;

namespace ClusterSim.Minikube;

/// <summary>One `minikube` invocation as the call log records it.</summary>
public sealed record MinikubeCall(IReadOnlyList<string> Arguments, int ExitCode, DateTimeOffset StartedAt, TimeSpan Duration)
{
    public override string ToString() => $"minikube {string.Join(' ', Arguments)} -> {ExitCode}";
}

/// <summary>The JSON-lines log of every simulated `minikube` call, in the state directory.</summary>
internal static class CallLog
{
    public static void Append(MinikubeHome home, IReadOnlyList<string> args, int exitCode, TimeSpan duration)
    {
        var line = Json.Serialize(new JsonObject
        {
            ["argv"] = args.Select(a => (JsonNode?)a).ToJsonArray(),
            ["exitCode"] = exitCode,
            ["startedAt"] = Json.MicroTime(DateTimeOffset.UtcNow - duration),
            ["durationMs"] = (long)duration.TotalMilliseconds,
        }) + "\n";
        Directory.CreateDirectory(home.Path);
        using var stream = new FileStream(home.CallLog, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var bytes = System.Text.Encoding.UTF8.GetBytes(line);
        stream.Write(bytes);
    }

    public static IReadOnlyList<MinikubeCall> Read(MinikubeHome home)
    {
        if (!File.Exists(home.CallLog))
        {
            return [];
        }

        using var stream = new FileStream(home.CallLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var calls = new List<MinikubeCall>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || JsonNode.Parse(line) is not JsonObject entry)
            {
                continue;
            }

            calls.Add(new MinikubeCall(
                entry.Arr("argv")?.Select(a => a?.GetValue<string>() ?? "").ToList() ?? [],
                (int)(entry.Long("exitCode") ?? 0),
                Json.ParseTime(entry.Str("startedAt")) ?? DateTimeOffset.MinValue,
                TimeSpan.FromMilliseconds(entry.Long("durationMs") ?? 0)));
        }

        return calls;
    }
}
