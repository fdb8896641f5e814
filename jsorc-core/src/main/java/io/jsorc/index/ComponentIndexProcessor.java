package io.jsorc.index;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;

/**
 * Writes {@value ComponentIndex#RESOURCE}: every {@code @Service}, {@code @Repository} and {@code @Context} of this
 * compilation with its annotation values, so the registry is built from the index without a classpath scan and
 * without loading a single component class. The annotations' rules are checked here already: a class that breaks one
 * gets a compiler warning and is indexed with the reason, which the registry reports at build exactly as a scan would.
 *
 * <p>Runs wherever {@code jsorc-core} is on the compile classpath (it is registered as a service). Incremental builds
 * merge with the index already in the output, keeping entries whose class still exists.
 */
// "*": javac then runs the processor in every compilation, also one with no annotated class left, so an incremental
// build that removed the last annotation still corrects the index. It claims nothing.
@SupportedAnnotationTypes("*")
@SupportedOptions({ComponentIndexProcessor.STRICT_OPTION, ComponentIndexProcessor.TIES_OPTION})
public final class ComponentIndexProcessor extends AbstractProcessor {

    /** Processor option ({@code -Ajsorc.strict=true}) that turns rule breakers' warnings into errors. */
    public static final String STRICT_OPTION = "jsorc.strict";
    /**
     * Processor option ({@code -Ajsorc.checkTies=false}) for a compilation whose same-named classes are never
     * registered together (each lives in a package that a registry scans alone): ties are then not reported.
     */
    public static final String TIES_OPTION = "jsorc.checkTies";

    private static final Map<String, String> KINDS = Map.of(
            "io.jsorc.Service", "service", "io.jsorc.Repository", "repository", "io.jsorc.Context", "context");

    /** Keyed by class + kind, so a re-run round does not duplicate. */
    private final Map<String, ComponentIndex.Entry> entries = new TreeMap<>();

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
            String kind = KINDS.get(annotation.getQualifiedName().toString());
            for (Element element : round.getElementsAnnotatedWith(annotation)) {
                if (kind != null && element instanceof TypeElement type) {
                    ComponentIndex.Entry entry = entry(type, annotation, kind);
                    entries.put(entry.className() + "#" + kind, entry);
                }
            }
        }
        if (round.processingOver()) {
            write();
        }
        return false;
    }

    private ComponentIndex.Entry entry(TypeElement type, TypeElement annotation, String kind) {
        String className = processingEnv.getElementUtils().getBinaryName(type).toString();
        Map<String, Object> values = new TreeMap<>();
        for (AnnotationMirror mirror : type.getAnnotationMirrors()) {
            if (mirror.getAnnotationType().asElement().equals(annotation)) {
                for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> value
                        : processingEnv.getElementUtils().getElementValuesWithDefaults(mirror).entrySet()) {
                    values.put(value.getKey().getSimpleName().toString(), value.getValue().getValue());
                }
            }
        }
        String problem = problem(type, kind);
        if (problem != null) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.MANDATORY_WARNING,
                    "JsOrc: @" + annotation.getSimpleName() + " class " + className + " " + problem
                            + "; the registry will refuse it", type);
        }
        return new ComponentIndex.Entry(className, kind, String.valueOf(values.getOrDefault("name", "")),
                ((Number) values.getOrDefault("priority", 0)).intValue(),
                String.valueOf(values.getOrDefault("config", "")), String.valueOf(values.getOrDefault("manifest", "")),
                Boolean.TRUE.equals(values.get("proxy")), problem);
    }

    /** The same rules the registry checks on loaded classes; null when the class keeps them. */
    private String problem(TypeElement type, String kind) {
        Set<Modifier> modifiers = type.getModifiers();
        if ((type.getKind() != ElementKind.CLASS && type.getKind() != ElementKind.RECORD)
                || modifiers.contains(Modifier.ABSTRACT)) {
            return "must be a concrete class";
        }
        if (type.getNestingKind() == NestingKind.MEMBER && !modifiers.contains(Modifier.STATIC)) {
            return "is an inner class; make it static";
        }
        if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS) {
            return "is a local class; make it a top-level or static nested class";
        }
        if (kind.equals("service")) {
            TypeElement common = processingEnv.getElementUtils().getTypeElement("io.jsorc.CommonService");
            TypeMirror erasure = processingEnv.getTypeUtils().erasure(common.asType());
            if (!processingEnv.getTypeUtils().isAssignable(processingEnv.getTypeUtils().erasure(type.asType()),
                    erasure)) {
                return "must extend io.jsorc.CommonService";
            }
        }
        List<ExecutableElement> constructors = ElementFilter.constructorsIn(type.getEnclosedElements());
        boolean anyPublic = constructors.stream().anyMatch(c -> c.getModifiers().contains(Modifier.PUBLIC));
        if (kind.equals("context")) {
            return anyPublic ? null : "has no public constructor";
        }
        boolean noArg = constructors.stream().anyMatch(c -> c.getModifiers().contains(Modifier.PUBLIC)
                && c.getParameters().isEmpty());
        return noArg ? null : "needs a public no-arg constructor";
    }

    /**
     * Reports names that two or more classes of this compilation win with the same priority: the registry would
     * refuse them at build ({@code AmbiguousRegistrationException}), so say it now, naming the classes. A warning,
     * or an error with {@code -Ajsorc.strict=true}. A tie below the winning priority decides nothing and is not
     * reported.
     */
    private void reportTies(List<ComponentIndex.Entry> all) {
        if ("false".equalsIgnoreCase(processingEnv.getOptions().get(TIES_OPTION))) {
            return;
        }
        Map<String, List<ComponentIndex.Entry>> byName = new TreeMap<>();
        for (ComponentIndex.Entry entry : all) {
            if (entry.invalid() == null) {
                byName.computeIfAbsent(entry.kind() + " '" + entry.name() + "'", k -> new java.util.ArrayList<>())
                        .add(entry);
            }
        }
        boolean strict = Boolean.parseBoolean(processingEnv.getOptions().get(STRICT_OPTION));
        for (Map.Entry<String, List<ComponentIndex.Entry>> named : byName.entrySet()) {
            int top = named.getValue().stream().mapToInt(ComponentIndex.Entry::priority).max().orElse(0);
            List<String> tied = named.getValue().stream().filter(e -> e.priority() == top)
                    .map(ComponentIndex.Entry::className).sorted().toList();
            if (tied.size() > 1) {
                Element where = processingEnv.getElementUtils().getTypeElement(tied.get(0).replace('$', '.'));
                processingEnv.getMessager().printMessage(strict ? Diagnostic.Kind.ERROR
                                : Diagnostic.Kind.MANDATORY_WARNING, "JsOrc: " + named.getKey() + " is won by "
                                + String.join(" and ", tied) + " with the same priority " + top + "; the registry will "
                                + "refuse the tie (give one a higher priority)", where);
            }
        }
    }

    /** An entry of an earlier (incremental) build survives only while its class still carries the annotation. */
    private boolean stillAnnotated(ComponentIndex.Entry entry) {
        TypeElement type = processingEnv.getElementUtils().getTypeElement(entry.className().replace('$', '.'));
        if (type == null) {
            return false;
        }
        for (AnnotationMirror mirror : type.getAnnotationMirrors()) {
            String annotation = ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
            if (entry.kind().equals(KINDS.get(annotation))) {
                return true;
            }
        }
        return false;
    }

    private void write() {
        Map<String, String> lines = new TreeMap<>();
        try {
            FileObject existing = processingEnv.getFiler().getResource(StandardLocation.CLASS_OUTPUT, "",
                    ComponentIndex.RESOURCE);
            try (Reader raw = existing.openReader(true); BufferedReader reader = new BufferedReader(raw)) {
                reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .map(ComponentIndex.Entry::parse)
                        .filter(e -> e.className() != null && e.kind() != null && stillAnnotated(e))
                        .forEach(e -> lines.put(e.className() + "#" + e.kind(), e.toLine()));
            }
        } catch (IOException | IllegalArgumentException e) {
            // No earlier index (a full build): nothing to merge.
        }
        // Written even when nothing here is annotated: an index, empty or not, says "compiled with the processor",
        // so the registry reads it instead of scanning this root with classgraph.
        entries.forEach((key, entry) -> lines.put(key, entry.toLine()));
        reportTies(lines.values().stream().map(ComponentIndex.Entry::parse).toList());
        try {
            FileObject index = processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "",
                    ComponentIndex.RESOURCE);
            try (Writer writer = index.openWriter()) {
                writer.write("# JsOrc component index, written by " + getClass().getName() + "\n");
                for (String line : lines.values()) {
                    writer.write(line);
                    writer.write('\n');
                }
            }
        } catch (IOException e) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.WARNING,
                    "JsOrc could not write " + ComponentIndex.RESOURCE + " (the registry will scan instead): " + e);
        }
    }
}
