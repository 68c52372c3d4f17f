namespace Aspire.Hosting;

/// <summary>Tells Aspire that this application serves plain HTTP only.</summary>
public static class PlainHttpExtensions
{
    /// <summary>
    /// Marks every project added so far <c>WithoutHttpsCertificate</c>. Every service here listens on http,
    /// and so does the dashboard (the launch profile's <c>ASPIRE_ALLOW_UNSECURED_TRANSPORT</c>); without
    /// this, Aspire offers each project a development certificate and, on a machine that has no trusted
    /// one, shows "No trusted development certificate" on every dashboard page. Call it after the last
    /// project is added.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <returns>The builder.</returns>
    public static IDistributedApplicationBuilder WithoutHttpsCertificates(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (ProjectResource project in builder.Resources.OfType<ProjectResource>())
        {
            // An evaluation API in Aspire 13.6; the app-model test pins that every project has it.
#pragma warning disable ASPIRECERTIFICATES001
            builder.CreateResourceBuilder(project).WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
        }

        return builder;
    }
}
