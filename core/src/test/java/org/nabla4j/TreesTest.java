package org.nabla4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreesTest {
    record Layer(NDArray w, NDArray b) {}
    record Model(List<Layer> layers, Map<String, NDArray> extra) {}

    static final class Box {
        final NDArray value;
        Box(NDArray value) { this.value = value; }
    }

    @Test
    void flattenOrdersRecordComponentsListsAndSortedMapKeys() {
        NDArray a = NDArray.of(1f), b = NDArray.of(2f), c = NDArray.of(3f), d = NDArray.of(4f);
        Model m = new Model(List.of(new Layer(a, b)), Map.of("z", c, "a", d));
        Trees.Flat flat = Trees.flatten(m);
        assertEquals(List.of(a, b, d, c), flat.leaves());
        assertEquals(List.of("m.layers[0].w", "m.layers[0].b", "m.extra[\"a\"]", "m.extra[\"z\"]"), flat.def().leafPaths("m"));
        Model back = (Model) Trees.unflatten(flat.def(), flat.leaves());
        assertSame(a, back.layers().getFirst().w());
        assertSame(c, back.extra().get("z"));
    }

    @Test
    void mapKeepsStructure() {
        Layer l = Trees.map(x -> x.mul(2), new Layer(NDArray.of(1f), NDArray.of(3f)));
        assertEquals(6.0, l.b().item());
        Layer sum = Trees.map(NDArray::add, l, l);
        assertEquals(4.0, sum.w().item());
    }

    @Test
    void registeredClassesAreContainers() {
        Trees.register(Box.class, box -> List.of(box.value), kids -> new Box((NDArray) kids.getFirst()));
        Box out = Trees.map(x -> x.add(1), new Box(NDArray.of(1f)));
        assertEquals(2.0, out.value.item());
        var f = Nabla.jit((Box box) -> new Box(box.value.mul(3)));
        assertEquals(3.0, f.apply(new Box(NDArray.of(1f))).value.item());
    }
}
