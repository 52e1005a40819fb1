using System.Globalization;

namespace ClusterSim.Minikube;

/// <summary>
/// The kubeconfig entries minikube writes for a profile (cluster, context and user named after it, with the
/// minikube.sigs.k8s.io provider extension), and the few facts `minikube status` / `profile list` read back.
/// </summary>
internal static class Kubeconfig
{
    public static string Render(string profile, string server, string minikubeVersion, DateTimeOffset written)
    {
        var lastUpdate = written.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        return $$"""
            apiVersion: v1
            clusters:
            - cluster:
                extensions:
                - extension:
                    last-update: {{lastUpdate}}
                    provider: minikube.sigs.k8s.io
                    version: {{minikubeVersion}}
                  name: cluster_info
                server: {{server}}
              name: {{profile}}
            contexts:
            - context:
                cluster: {{profile}}
                extensions:
                - extension:
                    last-update: {{lastUpdate}}
                    provider: minikube.sigs.k8s.io
                    version: {{minikubeVersion}}
                  name: context_info
                namespace: default
                user: {{profile}}
              name: {{profile}}
            current-context: {{profile}}
            kind: Config
            preferences: {}
            users:
            - name: {{profile}}
              user:
                token: clustersim-{{profile}}

            """;
    }

    /// <summary>A plain kubeconfig for a cluster that is not a minikube profile: cluster, context and user named <paramref name="context"/>.</summary>
    public static string RenderRemote(string context, string server) => $$"""
        apiVersion: v1
        clusters:
        - cluster:
            server: {{server}}
          name: {{context}}
        contexts:
        - context:
            cluster: {{context}}
            namespace: default
            user: {{context}}
          name: {{context}}
        current-context: {{context}}
        kind: Config
        preferences: {}
        users:
        - name: {{context}}
          user:
            token: clustersim-{{context}}

        """;

    /// <summary>The kubeconfig file kubectl uses: the first entry of KUBECONFIG, else ~/.kube/config.</summary>
    public static string DefaultPath() =>
        Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } env
            ? env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0]
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");

    /// <summary>What a kubeconfig says: its current-context and each cluster's server (kubectl's own YAML layout).</summary>
    public static (string? CurrentContext, IReadOnlyDictionary<string, string> Servers) Read(string path)
    {
        var servers = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        if (!File.Exists(path))
        {
            return (current, servers);
        }

        string? section = null;
        string? name = null;
        string? server = null;
        void Flush()
        {
            if (section == "clusters" && name is not null && server is not null)
            {
                servers[name] = server;
            }

            name = null;
            server = null;
        }

        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.TrimEnd();
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (!char.IsWhiteSpace(line[0]) && !line.StartsWith('-'))
            {
                Flush();
                var (key, value) = Split(line);
                section = key;
                if (key == "current-context")
                {
                    current = Unquote(value);
                }

                continue;
            }

            if (line.StartsWith('-'))
            {
                Flush();
                line = " " + line[1..];
            }

            var indent = line.Length - line.TrimStart().Length;
            var (k, v) = Split(line.Trim());
            if (k == "name" && indent <= 2)
            {
                name = Unquote(v);
            }
            else if (k == "server")
            {
                server = Unquote(v);
            }
        }

        Flush();
        return (current, servers);
    }

    /// <summary>
    /// kubeconfig.DeleteContext as `minikube delete` calls it: the cluster, user and context named after the profile
    /// go, current-context is emptied when it named the profile, and clientcmd writes an emptied list as null. The
    /// file is in kubectl's own layout (what minikube and `kubectl config` write); other entries are kept as they are.
    /// </summary>
    public static void RemoveProfile(string path, string profile)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var output = new List<string>();
        var item = new List<string>();
        string? section = null;
        var kept = 0;
        void Close()
        {
            if (item.Count > 0 && !item.Any(l => l.TrimEnd() is var t && (t == $"  name: {profile}" || t == $"- name: {profile}")))
            {
                output.AddRange(item);
                kept++;
            }

            item.Clear();
        }

        void EndSection()
        {
            Close();
            if (section is "clusters" or "contexts" or "users" && kept == 0)
            {
                output[^1] = $"{section}: null";
            }

            section = null;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith('-') && section is not null)
            {
                Close();
                item.Add(line);
            }
            else if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
            {
                EndSection();
                var (key, value) = Split(line);
                output.Add(key == "current-context" && Unquote(value) == profile ? "current-context: \"\"" : line);
                if (key is "clusters" or "contexts" or "users")
                {
                    section = key;
                    kept = 0;
                }
            }
            else if (section is not null)
            {
                item.Add(line);
            }
            else
            {
                output.Add(line);
            }
        }

        EndSection();
        File.WriteAllText(path, string.Join("\n", output) + "\n");
    }

    private static (string Key, string Value) Split(string line)
    {
        var colon = line.IndexOf(':');
        return colon < 0 ? (line, "") : (line[..colon].Trim(), line[(colon + 1)..].Trim());
    }

    private static string Unquote(string value) => value.Trim('"', '\'');
}
