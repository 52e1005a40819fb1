namespace Build.Configuration;

/// <summary>One service: how to build its image and which deployment container runs it. Paths are absolute.</summary>
public sealed record ServiceConfig(
    string Name,
    string Image,
    string Dockerfile,
    string Context,
    string Deployment,
    string Container);
