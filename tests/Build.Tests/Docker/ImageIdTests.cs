using Build.Docker;
using Xunit;

namespace Build.Tests.Docker;

public sealed class ImageIdTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("sha256:" + Hex)]
    [InlineData(Hex)]
    [InlineData("docker://sha256:" + Hex)]
    [InlineData("SHA256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    public void Reads_every_form_docker_minikube_and_the_kubelet_print(string text)
    {
        var id = ImageId.Parse(text);

        Assert.Equal(Hex, id.Hex);
        Assert.Equal("sha256:" + Hex, id.ToString());
    }

    [Fact]
    public void Gives_the_short_form_and_the_content_tag()
    {
        var id = ImageId.Parse(Hex);

        Assert.Equal("0123456789ab", id.Short);
        Assert.Equal("id-0123456789abcdef", id.Tag);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256:abc")]
    [InlineData("busybox:1.35")]
    public void Anything_else_is_not_an_image_id(string text)
    {
        Assert.False(ImageId.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ImageId.Parse(text));
    }
}
