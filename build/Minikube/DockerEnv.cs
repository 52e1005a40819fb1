namespace Build.Minikube;

/// <summary>
/// The environment <c>minikube docker-env --shell none</c> prints (<c>DOCKER_TLS_VERIFY</c>, <c>DOCKER_HOST</c>,
/// <c>DOCKER_CERT_PATH</c>, <c>MINIKUBE_ACTIVE_DOCKERD</c>, ...), one <c>NAME=value</c> per line.
/// </summary>
public static class DockerEnv
{
    /// <summary>The variables docker needs to reach the node's daemon (minikube's own bookkeeping variables are left out).</summary>
    private static readonly string[] DockerVariables = ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"];

    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> lines)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Select(l => l.Trim()))
        {
            var equals = line.IndexOf('=');
            if (equals > 0 && DockerVariables.Contains(line[..equals], StringComparer.Ordinal))
            {
                variables[line[..equals]] = line[(equals + 1)..].Trim('"');
            }
        }

        return variables.ContainsKey("DOCKER_HOST")
            ? variables
            : throw new FormatException("minikube docker-env printed no DOCKER_HOST.");
    }
}
