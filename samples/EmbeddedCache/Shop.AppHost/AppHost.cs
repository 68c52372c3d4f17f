// Two nodes of your own cache service, and an API that reads through them.
IDistributedApplicationBuilder builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddCacheCluster<Projects.Shop_Cache>("cache", nodes: 2);

builder.AddProject<Projects.Shop_Api>("api")
    .WithReference(cache, adminAccess: true) // the API writes carts: it gets the admin secret
    .WaitFor(cache)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
