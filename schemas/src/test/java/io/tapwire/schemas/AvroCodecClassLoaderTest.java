package io.tapwire.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;

import io.tapwire.schemas.derived.L7Request;
import io.tapwire.schemas.derived.ObservedSide;
import org.junit.jupiter.api.Test;

/**
 * Tapwire's records decode into the classes of the loader that loaded the codec's record class, not of Avro's loader.
 * Quarkus loads libraries (Avro) and the application's own modules (these records) with different loaders; looking
 * record classes up through Avro's loader found another copy of them on the parent class path there.
 */
class AvroCodecClassLoaderTest {

    /** Loads Tapwire's schema classes itself and leaves everything else (Avro) to its parent, as Quarkus does. */
    private static final class ModuleLoader extends URLClassLoader {
        ModuleLoader(URL classes, ClassLoader parent) {
            super(new URL[] {classes}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (!name.startsWith("io.tapwire.schemas.")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }
    }

    @Test
    void decodesIntoTheRecordClassOfTheCodecsOwnLoader() throws Exception {
        L7Request request = L7Request.newBuilder().setCluster("c").setNode("n").setBootId("b").setSocketInode(1)
                .setSide(ObservedSide.SERVER).build();
        byte[] bytes = AvroCodec.of(L7Request.class).encode(request);

        try (ModuleLoader module = new ModuleLoader(
                AvroCodec.class.getProtectionDomain().getCodeSource().getLocation(), getClass().getClassLoader())) {
            Class<?> codecClass = module.loadClass(AvroCodec.class.getName());
            Class<?> recordClass = module.loadClass(L7Request.class.getName());
            Object codec = codecClass.getMethod("of", Class.class).invoke(null, recordClass);
            Object decoded = codecClass.getMethod("decode", byte[].class).invoke(codec, (Object) bytes);

            assertThat(decoded.getClass()).isSameAs(recordClass);
            Object side = recordClass.getMethod("getSide").invoke(decoded);
            assertThat(side.getClass().getClassLoader()).isSameAs(module);
            assertThat(side).hasToString("SERVER");
        }
    }
}
