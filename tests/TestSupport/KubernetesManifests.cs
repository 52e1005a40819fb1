namespace TestSupport;

/// <summary>Manifests the tests and the benchmark apply: one-container Deployments labelled app=NAME.</summary>
public static class KubernetesManifests
{
    public static string Namespace(string name) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {name}

        """;

    /// <summary>A Deployment of one replica whose container is named like it; a null pull policy leaves the default.</summary>
    public static string Deployment(string name, string image, string? pullPolicy = "IfNotPresent", string ns = "default", int? progressDeadlineSeconds = null) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: {ns}
          labels:
            app: {name}
        spec:
          replicas: 1
        {(progressDeadlineSeconds is null ? "" : $"  progressDeadlineSeconds: {progressDeadlineSeconds}\n")}  selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
              - name: {name}
                image: {image}
        {(pullPolicy is null ? "" : $"        imagePullPolicy: {pullPolicy}\n")}        env:
                - name: MODE
                  value: test

        """;
}
