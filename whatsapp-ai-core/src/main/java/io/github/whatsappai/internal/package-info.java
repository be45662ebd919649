/**
 * Implementation shared across the SDK's packages. No compatibility promise: anything here may
 * change or disappear in any release.
 */
package io.github.whatsappai.internal;
