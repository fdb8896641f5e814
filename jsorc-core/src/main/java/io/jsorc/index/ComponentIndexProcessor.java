package io.jsorc.index;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes {@value ComponentIndex#RESOURCE}: the binary names of the classes of this compilation that carry
 * {@code @Service}, {@code @Repository} or {@code @Context}. With the index on the classpath the registry is built
 * from it instead of a classpath scan.
 *
 * <p>Runs wherever {@code jsorc-core} is on the compile classpath (it is registered as a service). Incremental builds
 * merge with the index already in the output, keeping entries whose class still exists.
 */
@SupportedAnnotationTypes({"io.jsorc.Service", "io.jsorc.Repository", "io.jsorc.Context"})
public final class ComponentIndexProcessor extends AbstractProcessor {

    private final Set<String> components = new TreeSet<>();

    /** Instantiated by javac. */
    public ComponentIndexProcessor() {
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (TypeElement annotation : annotations) {
            for (Element element : round.getElementsAnnotatedWith(annotation)) {
                if (element.getKind() == ElementKind.CLASS) {
                    components.add(processingEnv.getElementUtils().getBinaryName((TypeElement) element).toString());
                }
            }
        }
        if (round.processingOver() && !components.isEmpty()) {
            write();
        }
        return false;
    }

    private void write() {
        Set<String> all = new TreeSet<>(components);
        try {
            FileObject existing = processingEnv.getFiler().getResource(StandardLocation.CLASS_OUTPUT, "",
                    ComponentIndex.RESOURCE);
            try (Reader raw = existing.openReader(true); BufferedReader reader = new BufferedReader(raw)) {
                reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .filter(name -> processingEnv.getElementUtils().getTypeElement(name.replace('$', '.')) != null)
                        .forEach(all::add);
            }
        } catch (IOException | IllegalArgumentException e) {
            // No earlier index (a full build): nothing to merge.
        }
        try {
            FileObject index = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                    ComponentIndex.RESOURCE);
            try (Writer writer = index.openWriter()) {
                writer.write("# JsOrc component index, written by " + getClass().getName() + "\n");
                for (String name : all) {
                    writer.write(name);
                    writer.write('\n');
                }
            }
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.WARNING,
                    "JsOrc could not write " + ComponentIndex.RESOURCE + " (the registry will scan instead): " + e);
        }
    }
}
