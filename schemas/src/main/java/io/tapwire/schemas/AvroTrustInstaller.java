package io.tapwire.schemas;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Installs {@link AvroTrust} in every JVM that uses Tapwire's records, before Avro can refuse one. Avro loads
 * every {@link LogicalTypes.LogicalTypeFactory} named in {@code META-INF/services} when its {@code LogicalTypes}
 * class initializes, which happens when the first schema is parsed, and every generated class parses its schema
 * when it is first used. So this factory, which defines no logical type, is created before any Tapwire record
 * exists, whether the record is then built, read with a plain {@code SpecificDatumReader}, or decoded by the
 * serdes, with no system property to set. Discovered by {@link java.util.ServiceLoader}; not for direct use.
 */
public final class AvroTrustInstaller implements LogicalTypes.LogicalTypeFactory {

    public AvroTrustInstaller() {
        AvroTrust.install();
    }

    @Override
    public String getTypeName() {
        return "io.tapwire.avro-trust";
    }

    @Override
    public LogicalType fromSchema(Schema schema) {
        return null;
    }
}
