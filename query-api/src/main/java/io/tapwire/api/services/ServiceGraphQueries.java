package io.tapwire.api.services;

import io.tapwire.api.ReadModels;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one {@link ServiceGraphQuery} over the application's read models, for the resources to share. */
@ApplicationScoped
public class ServiceGraphQueries {

    @Produces
    @Singleton
    ServiceGraphQuery serviceGraphQuery(ReadModels readModels) {
        return new ServiceGraphQuery(readModels.l7Windows(), readModels.tcpWindows(), readModels.edges(),
                readModels.directory());
    }
}
