/**
 * The code shown in the README and in {@code docs/}, kept here so the build compiles it; the docs
 * quote the regions between {@code // tag::name[]} and {@code // end::name[]} (checked by
 * {@code DocsSnippetsTest}).
 */
package io.github.whatsappai.examples.snippets;
