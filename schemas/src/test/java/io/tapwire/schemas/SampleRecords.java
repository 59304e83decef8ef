package io.tapwire.schemas;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/** Builds a record with every field filled from a seeded random source, for any schema. */
final class SampleRecords {

    private SampleRecords() {
    }

    static Object sample(Schema schema, Random random) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericData.Record record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), sample(field.schema(), random));
                }
                yield record;
            }
            case ENUM -> new GenericData.EnumSymbol(schema,
                    schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    items.add(sample(schema.getElementType(), random));
                }
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                Map<String, Object> map = new HashMap<>();
                map.put("k" + random.nextInt(100), sample(schema.getValueType(), random));
                yield map;
            }
            // Prefer the non-null branch, so that every nested field is exercised.
            case UNION -> sample(schema.getTypes().get(schema.getTypes().size() - 1), random);
            case STRING -> "s-" + Long.toHexString(random.nextLong()) + "/é%";
            case BYTES -> {
                byte[] bytes = new byte[random.nextInt(40)];
                random.nextBytes(bytes);
                yield ByteBuffer.wrap(bytes);
            }
            case INT -> random.nextInt();
            case LONG -> random.nextLong();
            case FLOAT -> random.nextFloat();
            case DOUBLE -> random.nextDouble();
            case BOOLEAN -> random.nextBoolean();
            case FIXED -> {
                byte[] bytes = new byte[schema.getFixedSize()];
                random.nextBytes(bytes);
                yield new GenericData.Fixed(schema, bytes);
            }
            case NULL -> null;
        };
    }
}
