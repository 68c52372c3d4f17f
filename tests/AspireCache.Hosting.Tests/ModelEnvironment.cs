namespace AspireCache.Hosting.Tests;

/// <summary>The environment a resource would get, as the publisher writes it: references stay expressions.</summary>
/// <remarks>
/// Parameters read <c>{cache-admin-secret.value}</c>, endpoints <c>{cache-0.bindings.http.url}</c> and
/// connection strings <c>{cache.connectionString}</c>, so nothing needs to run or be allocated.
/// </remarks>
internal static class ModelEnvironment
{
    public static async Task<Dictionary<string, string>> OfAsync(IResource resource)
    {
        var context = new EnvironmentCallbackContext(
            new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), resource, [], TestContext.Current.CancellationToken);
        foreach (EnvironmentCallbackAnnotation callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return context.EnvironmentVariables.ToDictionary(
            variable => variable.Key,
            variable => variable.Value switch
            {
                string text => text,
                IManifestExpressionProvider reference => reference.ValueExpression,
                object other => other.ToString() ?? string.Empty,
            });
    }
}
