using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClusterSim.Node;

/// <summary>Where the TLS material of the node's Docker daemon lies, in minikube's layout.</summary>
internal sealed record CertificatePaths(string CertDirectory, string CaCert, string CaKey, string ClientCert, string ClientKey, string ServerCert, string ServerKey);

/// <summary>
/// The certificates minikube (libmachine) makes for the Docker daemon of a node, in its layout
/// (k8s.io/minikube pkg/minikube/machine/client.go, v1.38.1): $MINIKUBE_HOME/certs/ca.pem and ca-key.pem (the CA),
/// cert.pem and key.pem (the client: what DOCKER_CERT_PATH points the docker CLI at), and
/// $MINIKUBE_HOME/machines/server.pem and server-key.pem (the daemon's, for 127.0.0.1, localhost, the node's IP and
/// name). RSA 2048 keys in PKCS#1 PEM, valid for three years (minikube's default CertExpiration, 26280h). The CA and
/// client certificate are shared by all profiles of a state directory and reused when present; the server
/// certificate is written for each start. Made with .NET's CertificateRequest: no openssl needed.
/// </summary>
internal static class DockerCertificates
{
    private static readonly TimeSpan Validity = TimeSpan.FromHours(26280);

    public static CertificatePaths Ensure(string minikubeHome, string nodeName, string nodeIp)
    {
        var certs = Path.Combine(minikubeHome, "certs");
        var machines = Path.Combine(minikubeHome, "machines");
        Directory.CreateDirectory(certs);
        Directory.CreateDirectory(machines);
        var paths = new CertificatePaths(
            certs,
            Path.Combine(certs, "ca.pem"),
            Path.Combine(certs, "ca-key.pem"),
            Path.Combine(certs, "cert.pem"),
            Path.Combine(certs, "key.pem"),
            Path.Combine(machines, "server.pem"),
            Path.Combine(machines, "server-key.pem"));
        var organization = Environment.UserName;
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);

        using var ca = LoadCa(paths) ?? CreateCa(paths, organization, notBefore);
        if (!File.Exists(paths.ClientCert) || !File.Exists(paths.ClientKey))
        {
            using var clientKey = RSA.Create(2048);
            var client = new CertificateRequest($"O={organization}", clientKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            client.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            client.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            client.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            using var clientCert = client.Create(ca, notBefore, notBefore + Validity, Serial());
            Write(paths.ClientCert, clientCert.ExportCertificatePem());
            Write(paths.ClientKey, clientKey.ExportRSAPrivateKeyPem(), secret: true);
        }

        using var serverKey = RSA.Create(2048);
        var server = new CertificateRequest($"O={organization}.{nodeName}", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.Parse(nodeIp));
        names.AddDnsName("localhost");
        names.AddDnsName("minikube");
        names.AddDnsName(nodeName);
        server.CertificateExtensions.Add(names.Build());
        server.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        server.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        server.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var serverCert = server.Create(ca, notBefore, notBefore + Validity, Serial());
        Write(paths.ServerCert, serverCert.ExportCertificatePem());
        Write(paths.ServerKey, serverKey.ExportRSAPrivateKeyPem(), secret: true);
        return paths;
    }

    private static X509Certificate2? LoadCa(CertificatePaths paths)
    {
        if (!File.Exists(paths.CaCert) || !File.Exists(paths.CaKey))
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(paths.CaCert, paths.CaKey);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static X509Certificate2 CreateCa(CertificatePaths paths, string organization, DateTimeOffset notBefore)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"O={organization}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(notBefore, notBefore + Validity);
        Write(paths.CaCert, ca.ExportCertificatePem());
        Write(paths.CaKey, key.ExportRSAPrivateKeyPem(), secret: true);

        // A client certificate signed by an older CA would not verify any more.
        File.Delete(paths.ClientCert);
        File.Delete(paths.ClientKey);
        return ca;
    }

    /// <summary>A positive 128-bit serial number.</summary>
    private static byte[] Serial()
    {
        var bytes = RandomNumberGenerator.GetBytes(16);
        bytes[0] &= 0x7f;
        return bytes;
    }

    private static void Write(string path, string pem, bool secret = false)
    {
        File.WriteAllText(path, pem + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }
}
