using System.Reflection;
using Cake.Docker;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>
/// The Cake.Docker-compatible aliases are Cake.Docker 1.5.0's own signatures (read from MihaMarkic/Cake.Docker), and
/// nothing more, so that a build using them moves to the real package by changing a reference.
/// </summary>
public sealed class CakeDockerApiTests
{
    private static readonly string[] Upstream =
    [
        "DockerBuild(ICakeContext, String)",
        "DockerBuild(ICakeContext, DockerImageBuildSettings, String)",
        "DockerTag(ICakeContext, String, String)",
        "DockerPush(ICakeContext, String)",
        "DockerPush(ICakeContext, DockerImagePushSettings, String)",
        "DockerPull(ICakeContext, String)",
        "DockerPull(ICakeContext, DockerImagePullSettings, String)",
        "DockerRmi(ICakeContext, String[])",
        "DockerRemove(ICakeContext, DockerImageRemoveSettings, String[])",
        "DockerSave(ICakeContext, DockerImageSaveSettings, String[])",
        "DockerLoad(ICakeContext, DockerImageLoadSettings)",
        "DockerLogin(ICakeContext, String, String, String)",
        "DockerLogin(ICakeContext, DockerRegistryLoginSettings, String)",
        "DockerLogout(ICakeContext, String)",
        "DockerLogout(ICakeContext, DockerRegistryLogoutSettings, String)",
        "DockerCustomCommand(ICakeContext, String)",
        "DockerCustomCommand(ICakeContext, DockerCustomCommandSettings, String)",
    ];

    [Fact]
    public void Every_alias_has_a_Cake_Docker_1_5_signature_and_none_is_extra()
    {
        var ours = typeof(DockerAliases).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => $"{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})")
            .Order()
            .ToList();

        Assert.Equal(Upstream.Order(), ours);
    }

    [Fact]
    public void Settings_classes_derive_from_AutoToolSettings_and_have_setters()
    {
        foreach (var type in typeof(DockerAliases).Assembly.GetExportedTypes().Where(t => t.Namespace == "Cake.Docker" && t.Name.EndsWith("Settings", StringComparison.Ordinal) && !t.IsAbstract))
        {
            Assert.True(typeof(AutoToolSettings).IsAssignableFrom(type), type.Name);
            Assert.All(type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly), p => Assert.NotNull(p.SetMethod));
        }
    }
}
