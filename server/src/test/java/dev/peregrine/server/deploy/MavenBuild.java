package dev.peregrine.server.deploy;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;

/**
 * Facts about the Maven build that the Dockerfiles rely on, read from the poms: modules, profile ids, the modules
 * {@code -pl M -am} builds, and where the server's jar and its dependencies land.
 */
final class MavenBuild {
    private final Path root;

    MavenBuild(Path root) {
        this.root = root;
    }

    /** The modules listed in the root pom. */
    List<String> modules() throws Exception {
        return texts(children(pom(root.resolve("pom.xml")).getDocumentElement(), "modules"), "module");
    }

    /** The profile ids of the root pom and of every module pom. */
    Set<String> profileIds() throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        ids.addAll(profileIds(root.resolve("pom.xml")));
        for (String m : modules()) {
            ids.addAll(profileIds(root.resolve(m).resolve("pom.xml")));
        }
        return ids;
    }

    /**
     * The modules {@code mvn -pl module -am} builds: the module and, transitively, every module of this build it
     * depends on (any scope, since the reactor builds test-jar dependencies too).
     */
    Set<String> alsoMake(String module) throws Exception {
        List<String> modules = modules();
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(module));
        while (!todo.isEmpty()) {
            String m = todo.pop();
            if (!seen.add(m)) {
                continue;
            }
            Document pom = pom(root.resolve(m).resolve("pom.xml"));
            NodeList deps = pom.getDocumentElement().getElementsByTagName("dependency");
            for (int i = 0; i < deps.getLength(); i++) {
                Element d = (Element) deps.item(i);
                if ("dev.peregrine".equals(text(d, "groupId"))) {
                    String artifact = text(d, "artifactId");
                    for (String candidate : modules) {
                        if (artifact.equals(artifactId(candidate))) {
                            todo.push(candidate);
                        }
                    }
                }
            }
        }
        return seen;
    }

    /** The artifactId of {@code module}. */
    String artifactId(String module) throws Exception {
        return text(pom(root.resolve(module).resolve("pom.xml")).getDocumentElement(), "artifactId");
    }

    /**
     * The file name of the jar the jar plugin writes for {@code module}: its {@code finalName} configuration plus
     * {@code .jar}.
     */
    String jarFileName(String module) throws Exception {
        Element plugin = plugin(module, "maven-jar-plugin");
        Element config = plugin == null ? null : children(plugin, "configuration");
        String finalName = config == null ? null : text(config, "finalName");
        if (finalName == null) {
            throw new IllegalStateException(module + "/pom.xml sets no finalName for maven-jar-plugin");
        }
        return finalName + ".jar";
    }

    /**
     * Where {@code copy-dependencies} puts the module's dependencies, relative to the module ({@code target/lib}
     * for {@code ${project.build.directory}/lib}).
     */
    String dependencyDirectory(String module) throws Exception {
        Element plugin = plugin(module, "maven-dependency-plugin");
        NodeList dirs = plugin == null ? null : plugin.getElementsByTagName("outputDirectory");
        if (dirs == null || dirs.getLength() == 0) {
            throw new IllegalStateException(module + "/pom.xml copies no dependencies");
        }
        return dirs.item(0).getTextContent().strip().replace("${project.build.directory}", "target");
    }

    private Element plugin(String module, String artifactId) throws Exception {
        Document pom = pom(root.resolve(module).resolve("pom.xml"));
        Element build = children(pom.getDocumentElement(), "build");
        Element plugins = build == null ? null : children(build, "plugins");
        if (plugins == null) {
            return null;
        }
        for (Node n = plugins.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && artifactId.equals(text(e, "artifactId"))) {
                return e;
            }
        }
        return null;
    }

    private List<String> profileIds(Path pomFile) throws Exception {
        Element profiles = children(pom(pomFile).getDocumentElement(), "profiles");
        return profiles == null ? List.of() : elements(profiles, "profile").stream().map(p -> text(p, "id")).toList();
    }

    private static Document pom(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    /** The first direct child element named {@code name}, or null. */
    private static Element children(Element parent, String name) {
        List<Element> found = elements(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> elements(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> texts(Element parent, String name) {
        return elements(parent, name).stream().map(e -> e.getTextContent().strip()).toList();
    }

    private static String text(Element parent, String name) {
        Element e = children(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }
}
